import type { PersonName } from './types.js';

type NameParts = Pick<PersonName, 'givenName' | 'familyName' | 'honorificPrefix' | 'lordName' | 'lordOfName'>;

function join(...parts: (string | null)[]): string {
  return parts
    .filter((p): p is string => !!p)
    .join(' ')
    .trim();
}

/**
 * Peers are shown by title, as TheyWorkForYou does: "Baroness Hollis of Heigham",
 * "Lord Adonis"; a territorial-only title reads "The Bishop of Norwich".
 */
function peerDisplay(n: NameParts): string {
  const of = n.lordOfName ? `of ${n.lordOfName}` : null;
  if (n.lordName) return join(n.honorificPrefix, n.lordName, of);
  return n.honorificPrefix ? join('The', n.honorificPrefix, of) : (n.lordOfName ?? '');
}

/**
 * Elected members are shown without prefix ("Diane Abbott"); the prefix only stands in
 * when the given name is missing, as for "Lord Alderdice" sitting in the NI Assembly.
 */
function memberDisplay(n: NameParts): string {
  if (n.givenName && n.familyName) return join(n.givenName, n.familyName);
  return join(n.honorificPrefix, n.givenName || n.familyName);
}

export function isPeerName(n: NameParts): boolean {
  return !!(n.lordName || n.lordOfName);
}

/** The display form of one `other_names` entry. */
export function displayName(n: NameParts): string {
  return isPeerName(n) ? peerDisplay(n) : memberDisplay(n);
}

/** "Main" names are the official ones; alternates are spellings seen in Hansard. */
export function mainNames(names: PersonName[]): PersonName[] {
  const main = names.filter((n) => n.note === null || n.note === 'Main');
  return main.length > 0 ? main : names;
}
