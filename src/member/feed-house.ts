/**
 * The house to prefer when a person id fits several memberships on the date. Only the
 * feeds added for today's layouts give one: someone who sat at Holyrood and Westminster at
 * once is an MSP in the Official Report. The older feeds carry membership ids, which name
 * the house themselves, and are left as they were resolved before.
 */
const FEED_HOUSE: Readonly<Record<string, string>> = {
  'sp-new': 'scottish-parliament',
};

export function feedHouse(type: string): string | null {
  return Object.hasOwn(FEED_HOUSE, type) ? FEED_HOUSE[type]! : null;
}
