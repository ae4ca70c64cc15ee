/**
 * Bounds on what one feed document may make the parser build. Every real file stays far
 * below them (the shared week's largest: text node ~1,800 characters, paragraph 18,757
 * characters of text and 36,730 of HTML, nesting 8 deep, a few thousand characters from
 * entities), while a hostile file is refused by name before it costs memory: a 160 KB file
 * of entity references once expanded to a 300-million-character paragraph.
 */
export interface ParseLimits {
  /** Characters that general entity references may expand to, summed over the document. */
  maxEntityExpansion: number;
  /** Characters in one text node, CDATA section or attribute value (raw or decoded). */
  maxTextNode: number;
  /** Characters in one paragraph's text or HTML (also a heading's or a name's text). */
  maxParagraph: number;
  /** Elements open at once. */
  maxDepth: number;
}

export const DEFAULT_PARSE_LIMITS: Readonly<ParseLimits> = {
  maxEntityExpansion: 1_000_000,
  maxTextNode: 1_000_000,
  maxParagraph: 2_000_000,
  maxDepth: 1_000,
};

/** The setting behind each limit, named in errors so an operator knows what to raise. */
export const LIMIT_SETTINGS: Readonly<Record<keyof ParseLimits, string>> = {
  maxEntityExpansion: 'HW_MAX_ENTITY_EXPANSION_CHARS',
  maxTextNode: 'HW_MAX_TEXT_NODE_CHARS',
  maxParagraph: 'HW_MAX_PARAGRAPH_CHARS',
  maxDepth: 'HW_MAX_XML_DEPTH',
};

/** The message of a document refused for exceeding `limit`: what, the limit, and its setting. */
export function limitMessage(limit: keyof ParseLimits, value: number, what: string): string {
  return `${what} exceeds the limit of ${value.toLocaleString('en-GB')} (${LIMIT_SETTINGS[limit]}); file refused`;
}
