/** The feed client: what the queue layer imports. */
export {
  advanceCursor,
  changeCursorSchema,
  isSafeFolder,
  isSafeName,
  parseChangedates,
  pendingSince,
  type ChangeCursor,
  type ChangeEntry,
  type ChangedatesIssue,
  type ParsedChangedates,
} from './changedates.js';
export {
  assertCompleteXml,
  assertPeopleJson,
  feedXmlCheck,
  PARLPARSE_ROOT,
  type CompleteXmlOptions,
} from './complete.js';
export {
  FeedError,
  FeedHttpError,
  FeedNotFoundError,
  IncompleteBodyError,
  InvalidBodyError,
  type InvalidBodyReason,
} from './errors.js';
export { DirectoryFeedSource, type DirectoryFeedSourceOptions } from './directory-source.js';
export { DEFAULT_PWDATA_URL, HttpFeedSource, type HttpFeedSourceOptions } from './http-source.js';
export { RateLimiter } from './rate.js';
export {
  type CallOptions,
  type ChangeList,
  type FeedSource,
  type FetchResult,
  type NewFetchResult,
  type PreviousVersion,
  type UnchangedFetchResult,
} from './source.js';
export { defaultUserAgent } from './user-agent.js';
