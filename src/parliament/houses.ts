/** The legislatures the feeds report, by the organisation ids stored on speeches and memberships. */

/** House organisation ids as stored on speeches (the speaker's house at the time). */
export const HOUSES = [
  'house-of-commons',
  'house-of-lords',
  'scottish-parliament',
  'northern-ireland-assembly',
  // people.json's organisation id for the Senedd (parlparse's wa/resolvenames.py).
  'welsh-parliament',
] as const;
export type House = (typeof HOUSES)[number];

export const HOUSE_LABELS: Readonly<Record<House, string>> = {
  'house-of-commons': 'House of Commons',
  'house-of-lords': 'House of Lords',
  'scottish-parliament': 'Scottish Parliament',
  'northern-ireland-assembly': 'Northern Ireland Assembly',
  'welsh-parliament': 'Senedd',
};

export function isHouse(value: string | null | undefined): value is House {
  return (HOUSES as readonly string[]).includes(value ?? '');
}
