/**
 * TheyWorkForYou page for a parlparse gid. The section is named by the gid's second path
 * segment, not by the feed type: Lords written answers and statements share the Commons
 * `wrans`/`wms` gid forms (and TheyWorkForYou sections), so the gid alone decides.
 */
import { FEED_TYPE_REGISTRY, FEED_TYPES, type TwfySection } from './feed-types.js';

const TWFY = 'https://www.theyworkforyou.com';

/** gid segment (`uk.org.publicwhip/<segment>/…`) → TheyWorkForYou section, from the feed-type registry. */
export const TWFY_SECTIONS: ReadonlyMap<string, TwfySection> = new Map(
  FEED_TYPES.map((t) => [FEED_TYPE_REGISTRY[t].twfy.gidSegment, FEED_TYPE_REGISTRY[t].twfy]),
);

/**
 * Public Bill Committee pages are addressed by session and bill title
 * (`/pbc/2008-09/Child_Poverty_Bill/05-0_2009-10-27a.1.1`), neither of which is in the gid.
 */
export interface PbcContext {
  /** Parliamentary session, e.g. `2008-09`. */
  session: string;
  /** Bill title as TheyWorkForYou names it, e.g. `Child Poverty Bill`. */
  billTitle: string;
}

/** `en/` or `cy/` before a Senedd item id. */
const LANGUAGE = /^[a-z]{2}\//;
const GID = /^uk\.org\.publicwhip\/([a-z]+)\/(.+)$/;
/** `standing2009-10-20_CHILDPOV_05-0_2009-10-27a.1.1`: committee prefix, then the sitting id. */
const STANDING_ID = /^standing\d{4}-\d{2}-\d{2}_[^_]+_(.+)$/;

/** TheyWorkForYou url for a gid, or null when the gid is not one it can address. */
export function twfyUrl(gid: string, pbc?: PbcContext | null): string | null {
  const m = GID.exec(gid);
  if (!m) return null;
  const [, segment = '', id = ''] = m;
  const section = TWFY_SECTIONS.get(segment);
  if (!section) return null;
  if (section.byBill) return pbcUrl(section.section, id, pbc);
  const item = section.languageSegment ? id.replace(LANGUAGE, '') : id;
  return `${TWFY}/${section.section}/?id=${encodeURIComponent(item)}`;
}

/** Best effort: without the session and bill title there is no stable page to link to. */
function pbcUrl(section: string, id: string, pbc: PbcContext | null | undefined): string | null {
  const sitting = STANDING_ID.exec(id)?.[1];
  if (!pbc || !sitting) return null;
  const bill = encodeURIComponent(pbc.billTitle.replace(/ /g, '_'));
  return `${TWFY}/${section}/${encodeURIComponent(pbc.session)}/${bill}/${encodeURIComponent(sitting)}`;
}
