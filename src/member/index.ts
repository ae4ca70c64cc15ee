export type * from './types.js';
export { parsePeople, type ParsedPeople, type PeopleIssue } from './people.js';
export { displayName } from './names.js';
export { MemberResolver, type Located, type SpeakerRef } from './resolve.js';
export {
  diagnoseSpeaker,
  listUnresolvable,
  type DatedSpeakerRef,
  type PrintedSpeakerRef,
  type SpeakerProblem,
  type UnresolvedReason,
  type UnresolvedSpeaker,
} from './unresolved.js';
export { attributeSpeaker, officeConflict } from './office.js';
export {
  officeOf,
  speakerFields,
  speakerLabel,
  type SpeakerFacts,
  type SpeakerFields,
  type SpeakerLabel,
} from './speaker-label.js';
