/**
 * Whether the member parlparse names behind an office can hold it. Popolo's people.json
 * has no offices as such, but it marks Speakers and Commons Deputy Speakers by their
 * membership's party (`speaker`, `deputy-speaker`). The Northern Ireland Assembly's
 * deputies are printed "Mr Deputy Speaker" with the Speaker's own id (nine speeches in the
 * October 2009 week): the data cannot say which deputy spoke, so such a speech is left
 * unattributed rather than credited to the Speaker.
 */
import type { SpeakerRef } from './resolve.js';
import { splitBrackets } from './speaker-label.js';
import type { ResolvedSpeaker } from './types.js';

const DEPUTY_SPEAKER = /\bDeputy\s+Speaker$/i;
const SPEAKER = /^(Mr\.?|Madam|Mrs\.?|The)\s+Speaker$/i;

/** Why the membership cannot be the office's holder, or null when nothing contradicts it. */
export function officeConflict(shown: string | null | undefined, partyId: string | null): string | null {
  if (!shown) return null;
  const office = splitBrackets(shown).head;
  if (partyId === 'speaker' && DEPUTY_SPEAKER.test(office))
    return `"${office}" is printed but the id is the Speaker's own membership; the deputy is not identified`;
  if (partyId === 'deputy-speaker' && SPEAKER.test(office))
    return `"${office}" is printed but the id is a Deputy Speaker's membership`;
  return null;
}

/** The person behind a printed speaker on a date, or null when unknown or when the office contradicts the id. */
export function attributeSpeaker(
  resolver: { resolve(ref: SpeakerRef, date: string): ResolvedSpeaker | null },
  ref: SpeakerRef,
  speakerName: string | null,
  date: string,
): ResolvedSpeaker | null {
  const who = resolver.resolve(ref, date);
  return who && officeConflict(speakerName, who.partyId) === null ? who : null;
}
