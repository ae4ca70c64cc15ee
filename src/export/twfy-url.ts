/**
 * TheyWorkForYou page for a parlparse gid. The section is named by the gid's second path
 * segment, not by the feed type: Lords written answers and statements share the Commons
 * `wrans`/`wms` gid forms (and TheyWorkForYou sections), so the gid alone decides.
 */

const TWFY = 'https://www.theyworkforyou.com';

/** gid segment (`uk.org.publicwhip/<segment>/…`) → TheyWorkForYou section path. */
export const TWFY_SECTIONS: Readonly<Record<string, string>> = {
  debate: 'debates',
  westminhall: 'whall',
  lords: 'lords',
  wrans: 'wrans',
  wms: 'wms',
  spor: 'sp',
  spwa: 'spwrans',
  ni: 'ni',
};

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

const GID = /^uk\.org\.publicwhip\/([a-z]+)\/(.+)$/;
/** `standing2009-10-20_CHILDPOV_05-0_2009-10-27a.1.1`: committee prefix, then the sitting id. */
const STANDING_ID = /^standing\d{4}-\d{2}-\d{2}_[^_]+_(.+)$/;

/** TheyWorkForYou url for a gid, or null when the gid is not one it can address. */
export function twfyUrl(gid: string, pbc?: PbcContext | null): string | null {
  const m = GID.exec(gid);
  if (!m) return null;
  const [, segment = '', id = ''] = m;
  if (segment === 'standing') return pbcUrl(id, pbc);
  const section = TWFY_SECTIONS[segment];
  return section ? `${TWFY}/${section}/?id=${encodeURIComponent(id)}` : null;
}

/** Best effort: without the session and bill title there is no stable page to link to. */
function pbcUrl(id: string, pbc: PbcContext | null | undefined): string | null {
  const sitting = STANDING_ID.exec(id)?.[1];
  if (!pbc || !sitting) return null;
  const bill = encodeURIComponent(pbc.billTitle.replace(/ /g, '_'));
  return `${TWFY}/pbc/${encodeURIComponent(pbc.session)}/${bill}/${encodeURIComponent(sitting)}`;
}
