/**
 * Speaker ids that do not resolve cleanly, grouped for ingest warnings: one line per id
 * and reason rather than one per speech.
 */
import { officeConflict } from './office.js';
import type { MemberResolver, SpeakerRef } from './resolve.js';

export type UnresolvedReason =
  /** The membership id is not in people.json. */
  | 'unknown-speaker-id'
  /** The person id is not in people.json. */
  | 'unknown-person-id'
  /** Known, but no membership covers the date; the nearest one was used. */
  | 'no-membership-on-date'
  /** A known person with no memberships at all: only the name resolves. */
  | 'no-memberships'
  /** The printed office cannot be held by the member the id names (see office.ts): left unattributed. */
  | 'office-not-held';

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

/** A reference as a speech or vote carries it; `speakerName` is the printed name (speeches only). */
export type PrintedSpeakerRef = SpeakerRef & { speakerName?: string | null };
/** `count`: how many speeches or votes carry this reference on this date (default 1). */
export type DatedSpeakerRef = PrintedSpeakerRef & { date: string; count?: number };

// parlparse's explicit "speaker not identified" marker: an anonymous speech, not a bad id.
const NO_SPEAKER = 'unknown';

/** What, if anything, is wrong with one reference on its date. */
export function diagnoseSpeaker(
  resolver: MemberResolver,
  ref: PrintedSpeakerRef,
  date: string,
): SpeakerProblem | null {
  const speakerId = ref.speakerId && ref.speakerId !== NO_SPEAKER ? ref.speakerId : null;
  const id = speakerId ?? ref.personId;
  if (!id) return null;
  const found = resolver.locate(
    { speakerId, personId: ref.personId ?? null, house: ref.house ?? null },
    date,
  );
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
  const conflict = officeConflict(ref.speakerName, found.membership.partyId);
  if (conflict) return { id, reason: 'office-not-held', resolved: false, message: conflict };
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
    const count = ref.count ?? 1;
    if (prior) {
      prior.count += count;
      if (ref.date < prior.firstDate) prior.firstDate = ref.date;
    } else seen.set(key, { ...problem, firstDate: ref.date, count });
  }
  return [...seen.values()];
}
