/** parlparse person ids (`uk.org.publicwhip/person/10586`) and the short form page URLs use. */

const PERSON_PREFIX = 'uk.org.publicwhip/person/';

/** `10586` or `uk.org.publicwhip/person/10586` → the stored person id; null when neither. */
export function normalisePersonId(value: string): string | null {
  const v = value.trim();
  if (/^\d{1,9}$/.test(v)) return PERSON_PREFIX + v;
  if (new RegExp(`^${PERSON_PREFIX.replace(/[./]/g, '\\$&')}\\d{1,9}$`).test(v)) return v;
  return null;
}

/** The short form used in page URLs (`/people/10586`). */
export function shortPersonId(personId: string): string {
  return personId.startsWith(PERSON_PREFIX) ? personId.slice(PERSON_PREFIX.length) : personId;
}
