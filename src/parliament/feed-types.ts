/**
 * The lookups every layer uses, derived from FEED_TYPE_REGISTRY (feed-type-registry.ts).
 * Pure: the parser imports this.
 */
import { FEED_TYPE_REGISTRY, type FeedTypeEntry } from './feed-type-registry.js';

export {
  FEED_TYPE_REGISTRY,
  type CitationStyle,
  type FeedTypeEntry,
  type TwfySection,
} from './feed-type-registry.js';

export type FeedType = keyof typeof FEED_TYPE_REGISTRY;

/** Every feed type, in registry order (a tuple type so that zod can make an enum of it). */
// Object.keys keeps the order of string keys, so this is the registry's order.
export const FEED_TYPES: readonly [FeedType, ...FeedType[]] = Object.keys(FEED_TYPE_REGISTRY) as [
  FeedType,
  ...FeedType[],
];

export function isFeedType(type: string): type is FeedType {
  return Object.hasOwn(FEED_TYPE_REGISTRY, type);
}

/** The registry entry of a type name from outside (a stored row, a query), or undefined. */
export function feedTypeEntry(type: string): FeedTypeEntry | undefined {
  return isFeedType(type) ? FEED_TYPE_REGISTRY[type] : undefined;
}

/** Feeds whose files sit one folder further down (`sp-new/<meeting>/…`), not in the type's folder itself. */
export const NESTED_FEED_TYPES: ReadonlySet<FeedType> = new Set(
  FEED_TYPES.filter((t) => FEED_TYPE_REGISTRY[t].nested),
);

/** The feed type of a folder the poll reads: `sp-new/meeting-of-the-parliament` → `sp-new`. */
export function feedTypeOfFolder(folder: string): FeedType {
  const cut = folder.indexOf('/');
  return (cut < 0 ? folder : folder.slice(0, cut)) as FeedType;
}

/**
 * The name the parser is given for a file polled from `folder`: a file of a feed published
 * in several languages (`senedd/cy/…`) keeps its folders, because its language folder is
 * part of its identity; any other file is known by its bare name, as before.
 */
export function feedFileName(folder: string, name: string): string {
  const entry = feedTypeEntry(feedTypeOfFolder(folder));
  return entry?.languages ? `${folder}/${name}` : name;
}

const PREFIX_TYPES: ReadonlyMap<string, FeedType> = new Map(
  FEED_TYPES.flatMap((t) => {
    const prefix = FEED_TYPE_REGISTRY[t].filePrefix;
    return prefix === null ? [] : [[prefix, t] as const];
  }),
);

/** The feed type a file-name prefix (`westminster`, `daylord`, …) names, or undefined. */
export function feedTypeOfPrefix(prefix: string): FeedType | undefined {
  return PREFIX_TYPES.get(prefix);
}

/**
 * For a feed published in several languages, the gid of the same item in the first
 * language's file (`uk.org.publicwhip/senedd/cy/2026-01-14.3.40` →
 * `uk.org.publicwhip/senedd/en/2026-01-14.3.40`); null when the gid is not in `lang`'s form.
 */
export function firstLanguageGid(type: FeedType, lang: string, gid: string): string | null {
  const entry: FeedTypeEntry = FEED_TYPE_REGISTRY[type];
  const first = entry.languages?.[0];
  if (first === undefined) return null;
  const from = `uk.org.publicwhip/${entry.twfy.gidSegment}/${lang}/`;
  if (!gid.startsWith(from)) return null;
  return `uk.org.publicwhip/${entry.twfy.gidSegment}/${first}/${gid.slice(from.length)}`;
}

/** True when files of `language` are translations of another language's file of the same day. */
export function isTranslationLanguage(type: FeedType, language: string | undefined): boolean {
  const languages = (FEED_TYPE_REGISTRY[type] as FeedTypeEntry).languages;
  return language !== undefined && languages !== undefined && language !== languages[0];
}
