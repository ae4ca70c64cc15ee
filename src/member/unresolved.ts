/**
 * Speaker ids that do not resolve cleanly, grouped for ingest warnings: one line per id
 * and reason rather than one per speech.
 */
import type { MemberResolver, SpeakerRef } from './resolve.js';

export type UnresolvedReason =
  /** The membership id is not in people.json. */
  | 'unknown-speaker-id'
  /** The person id is not in people.json. */
  | 'unknown-person-id'
  /** Known, but no membership covers the date; the nearest one was used. */
  | 'no-membership-on-date'
  /** A known person with no memberships at all: only the name resolves. */
  | 'no-memberships';

export interface SpeakerProblem {
  id: string;
  reason: UnresolvedReason;
  /** Whether resolve() still returned a speaker (a warning) or null (the speech stays unattributed). */
  resolved: boolean;
  message: string;
}

export interface UnresolvedSpeaker extends SpeakerProblem {
  /** Sitting date of the first speech seen with this problem. */
  firstDate: string;
  /** Number of references with this id and reason. */
  count: number;
}

export type DatedSpeakerRef = SpeakerRef & { date: string };

// parlparse's explicit "speaker not identified" marker: an anonymous speech, not a bad id.
const NO_SPEAKER = 'unknown';

/** What, if anything, is wrong with one reference on its date. */
export function diagnoseSpeaker(
  resolver: MemberResolver,
  ref: SpeakerRef,
  date: string,
): SpeakerProblem | null {
  const speakerId = ref.speakerId && ref.speakerId !== NO_SPEAKER ? ref.speakerId : null;
  const id = speakerId ?? ref.personId;
  if (!id) return null;
  const found = resolver.locate({ ...ref, speakerId }, date);
  if (!found) {
    const reason = speakerId ? 'unknown-speaker-id' : 'unknown-person-id';
    return { id, reason, resolved: false, message: `${id} is not in people.json` };
  }
  if (found.unknownSpeakerId && speakerId) {
    const message = `${speakerId} is not in people.json; resolved through ${ref.personId}`;
    return { id: speakerId, reason: 'unknown-speaker-id', resolved: true, message };
  }
  if (!found.membership) {
    const message = `${found.personId} has no memberships`;
    return { id, reason: 'no-memberships', resolved: true, message };
  }
  if (!found.onDate) {
    const { id: mid, startDate, endDate } = found.membership;
    const message = `no membership of ${found.personId} on ${date}; used ${mid} (${startDate ?? '…'} to ${endDate ?? '…'})`;
    return { id, reason: 'no-membership-on-date', resolved: true, message };
  }
  return null;
}

/** Every id among the references that is unknown or fits no membership on its date, once per id and reason. */
export function listUnresolvable(
  resolver: MemberResolver,
  refs: Iterable<DatedSpeakerRef>,
): UnresolvedSpeaker[] {
  const seen = new Map<string, UnresolvedSpeaker>();
  for (const ref of refs) {
    const problem = diagnoseSpeaker(resolver, ref, ref.date);
    if (!problem) continue;
    const key = `${problem.id}\u0000${problem.reason}`;
    const prior = seen.get(key);
    if (prior) prior.count += 1;
    else seen.set(key, { ...problem, firstDate: ref.date, count: 1 });
  }
  return [...seen.values()];
}
