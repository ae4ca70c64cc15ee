/**
 * How a speaker is named wherever a speech is shown (pages, API, export): the one place
 * that turns what Hansard printed and what the member data say on the sitting date into
 * a label. Pure.
 *
 * Hansard prints a speaker in several ways: a name ("Meg Hillier"), a name with the seat
 * and party in brackets ("Richard Baker (North East Scotland) (Lab)", Scottish Parliament),
 * an office ("Mr. Speaker", "The First Minister"), or an office with the name ("The
 * Presiding Officer (Alex Fergusson)"). parlparse still gives the id of the member behind
 * an office, so the person, party and seat come from the membership valid on the date;
 * the printed text is kept as it was, never rewritten.
 */

export interface SpeakerFacts {
  /** The speaker as Hansard printed it (`speakername`), unchanged. */
  speakerName: string | null;
  /** The person's name on the sitting date, from the member data; null when unresolved. */
  personName: string | null;
  /** Party and seat of the membership valid on the sitting date. */
  party: string | null;
  constituency: string | null;
}

export interface SpeakerLabel {
  /** Hansard's text, unchanged. */
  shown: string | null;
  /** The office the printed text names ("The First Minister"), or null when it names a person. */
  office: string | null;
  /** The person's name: from the member data, else the printed name without bracketed seat and party. */
  name: string | null;
  /** Party and seat at the time; a party of "None" (the Presiding Officer's) is left out. */
  party: string | null;
  seat: string | null;
  /** `Party, Seat`: what the label puts in brackets after the name; null when neither is known. */
  affiliation: string | null;
  /** `Name (Party, Seat)`; the office alone when no person is known; null when nothing is. */
  label: string | null;
}

/** Offices Hansard prints in place of a name, whatever member they resolve to. */
const OFFICE_PATTERNS: readonly RegExp[] = [
  /^(Mr\.?|Madam|Mrs\.?)\s+(Deputy\s+)?Speaker$/i,
  /^The\s+(Deputy\s+)?(Lord\s+)?Speaker$/i,
  /^The\s+(Deputy\s+)?Presiding\s+Officer$/i,
  /^The\s+(Deputy\s+)?(First\s+)?(Chair|Chairman|Chairwoman|Chairperson|Convener)\b/i,
  /^The\s+(Deputy\s+)?(Prime|First)\s+Minister\b/i,
  /^The\s+(Minister|Secretary|Cabinet\s+Secretary|Parliamentary|Under-Secretary|Solicitor|Attorney|Advocate|Lord\s+Advocate|Chancellor|Leader|Financial\s+Secretary|Economic\s+Secretary|Exchequer\s+Secretary|Chief\s+Secretary|Paymaster|Second\s+Church)\b/i,
];

/** Words that say nothing about who someone is: titles and joining words. */
const NOT_A_NAME = new Set([
  'the',
  'of',
  'and',
  'mr',
  'mrs',
  'ms',
  'miss',
  'dr',
  'sir',
  'dame',
  'rh',
  'hon',
  'lord',
  'lady',
  'baroness',
  'baron',
  'earl',
  'countess',
  'viscount',
  'marquess',
  'duke',
  'bishop',
]);

/** `Richard Baker (North East Scotland) (Lab)` → head `Richard Baker`, groups `[North East Scotland, Lab]`. */
export function splitBrackets(shown: string): { head: string; groups: string[] } {
  const groups: string[] = [];
  let head = shown.trim();
  for (let m = /\s*\(([^()]*)\)$/.exec(head); m; m = /\s*\(([^()]*)\)$/.exec(head)) {
    groups.unshift(m[1]!.trim());
    head = head.slice(0, m.index).trimEnd();
  }
  return { head, groups };
}

function nameWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}'-]+/u)
      .map((w) => w.replace(/^[-']+|[-']+$/g, ''))
      .filter((w) => w.length >= 2 && !NOT_A_NAME.has(w)),
  );
}

function sharesAName(a: string, b: string): boolean {
  const words = nameWords(b);
  for (const w of nameWords(a)) if (words.has(w)) return true;
  return false;
}

/**
 * The office a printed speaker names, or null when it names a person. An office is a
 * known form ("Mr. Speaker", "The Minister for …") or, once the person is known, printed
 * text sharing no word of their name ("The Deputy Presiding Officer" for Trish Godman);
 * "Dr Simpson" and "Ms Alexander" share one, so they are names.
 */
export function officeOf(shown: string | null, personName: string | null): string | null {
  if (!shown) return null;
  const { head, groups } = splitBrackets(shown);
  if (!head) return null;
  if (OFFICE_PATTERNS.some((p) => p.test(head))) return head;
  if (!personName || sharesAName(head, personName)) return null;
  // "The Presiding Officer (Alex Fergusson)": the bracket names the person, the head the office.
  if (groups.some((g) => sharesAName(g, personName))) return head;
  return nameWords(head).size > 0 ? head : null;
}

function noParty(party: string | null): boolean {
  return !party || party.trim().toLowerCase() === 'none';
}

/** The single source of a speaker's label; see the file comment. */
export function speakerLabel(f: SpeakerFacts): SpeakerLabel {
  const shown = f.speakerName;
  const office = officeOf(shown, f.personName);
  const printedName = shown && !office ? splitBrackets(shown).head || null : null;
  const name = f.personName ?? printedName;
  const party = noParty(f.party) ? null : f.party;
  const seat = f.constituency || null;
  const affiliation = [party, seat].filter((x): x is string => !!x).join(', ') || null;
  const label = name ? (affiliation ? `${name} (${affiliation})` : name) : office;
  return { shown, office, name, party, seat, affiliation, label };
}

/** What the API and export add to a speech: Hansard's text stays in `speakerName`. */
export interface SpeakerFields {
  personName: string | null;
  office: string | null;
  speakerLabel: string | null;
}

export function speakerFields(f: SpeakerFacts): SpeakerFields {
  const l = speakerLabel(f);
  return { personName: f.personName, office: l.office, speakerLabel: l.label };
}
