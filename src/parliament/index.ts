/**
 * The domain's vocabulary: houses, person ids, feed types and TheyWorkForYou addresses.
 * Plain data and pure functions, importing nothing outside this folder, so that every
 * layer (the parser included) can use it.
 */
export {
  FEED_TYPE_REGISTRY,
  FEED_TYPES,
  NESTED_FEED_TYPES,
  feedFileName,
  firstLanguageGid,
  isTranslationLanguage,
  feedTypeEntry,
  feedTypeOfFolder,
  feedTypeOfPrefix,
  isFeedType,
  type CitationStyle,
  type FeedType,
  type FeedTypeEntry,
  type TwfySection,
} from './feed-types.js';
export { HOUSES, HOUSE_LABELS, isHouse, type House } from './houses.js';
export { normalisePersonId, shortPersonId } from './people-ids.js';
export { TWFY_SECTIONS, twfyUrl, type PbcContext } from './twfy-url.js';
