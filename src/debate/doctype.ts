import { decodeEntities, type EntityTable, type ExpansionBudget } from './entities.js';
import type { Issues } from './issues.js';

/** Guards against entity expansion bombs ("billion laughs"): values beyond this are dropped. */
const MAX_ENTITY_LENGTH = 10_000;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function skipSpace(src: string, i: number): number {
  while (i < src.length && isSpace(src.charCodeAt(i))) i++;
  return i;
}

function find(src: string, needle: string, from: number, issues: Issues, what: string): number {
  const at = src.indexOf(needle, from);
  if (at < 0) issues.fail(src.length, `unexpected end of file inside ${what}`);
  return at;
}

/** Index just past the `>` closing a markup declaration, stepping over quoted literals. */
function skipDeclaration(src: string, i: number, issues: Issues): number {
  for (; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x22 || c === 0x27) i = find(src, src.charAt(i), i + 1, issues, 'the DOCTYPE');
    else if (c === 0x3e) return i + 1;
  }
  return issues.fail(src.length, 'unexpected end of file inside the DOCTYPE');
}

/** Counts entity expansions against the document's budget; offsets are absolute. */
type Spend = (at: number, chars: number) => void;

function defineEntity(
  name: string,
  literal: string,
  at: number,
  table: EntityTable,
  issues: Issues,
  spend: Spend,
): void {
  // XML: the first declaration binds; redeclaring amp/lt/… is allowed and changes nothing.
  if (table.has(name)) return;
  // Character references expand at declaration; references to entities declared earlier
  // are expanded here too, so each table entry is plain text (markup in entities is not
  // supported and would come through as text).
  // Expanding earlier entities here counts against the document's budget like any use.
  const budget: ExpansionBudget = (rel, chars) => spend(at + rel, chars);
  const value = decodeEntities(
    literal,
    table,
    (rel, message) => issues.warn(at + rel, `!ENTITY ${name}`, message),
    budget,
  );
  if (value.length > MAX_ENTITY_LENGTH) {
    issues.warn(
      at,
      `!ENTITY ${name}`,
      `entity expands to more than ${MAX_ENTITY_LENGTH} characters; ignored`,
    );
    return;
  }
  table.set(name, value);
}

/** Reads `<!ENTITY …>` from just after its keyword; returns the index past its `>`. */
function readEntity(src: string, i: number, table: EntityTable, issues: Issues, spend: Spend): number {
  const declStart = i - '<!ENTITY'.length;
  i = skipSpace(src, i);
  if (src.charCodeAt(i) === 0x25 /* % */) return skipDeclaration(src, i, issues); // parameter entity: unused by content
  const nameStart = i;
  while (i < src.length && !isSpace(src.charCodeAt(i)) && src.charCodeAt(i) !== 0x3e) i++;
  const name = src.slice(nameStart, i);
  i = skipSpace(src, i);
  const quote = src.charAt(i);
  if (quote !== '"' && quote !== "'") {
    issues.warn(declStart, `!ENTITY ${name}`, 'external entity is not loaded');
    return skipDeclaration(src, i, issues);
  }
  const close = find(src, quote, i + 1, issues, 'an entity declaration');
  if (name === '') issues.warn(declStart, '!ENTITY', 'entity declaration without a name');
  else defineEntity(name, src.slice(i + 1, close), i + 1, table, issues, spend);
  return skipDeclaration(src, close + 1, issues);
}

/** Reads the internal subset from just after `[`; returns the index past `]`. */
function readInternalSubset(
  src: string,
  i: number,
  table: EntityTable,
  issues: Issues,
  spend: Spend,
): number {
  for (;;) {
    i = skipSpace(src, i);
    if (i >= src.length) issues.fail(i, 'unexpected end of file inside the DOCTYPE');
    if (src.charCodeAt(i) === 0x5d /* ] */) return i + 1;
    if (src.startsWith('<!--', i)) i = find(src, '-->', i + 4, issues, 'a comment') + 3;
    else if (src.startsWith('<?', i)) i = find(src, '?>', i + 2, issues, 'a processing instruction') + 2;
    else if (src.startsWith('<!ENTITY', i)) i = readEntity(src, i + '<!ENTITY'.length, table, issues, spend);
    else if (src.startsWith('<!', i)) i = skipDeclaration(src, i + 2, issues);
    else if (src.charCodeAt(i) === 0x25 /* % */) {
      issues.warn(i, 'DOCTYPE', 'parameter entity reference ignored');
      i = find(src, ';', i, issues, 'the DOCTYPE') + 1;
    } else issues.fail(i, 'malformed DOCTYPE internal subset');
  }
}

/**
 * Reads a `<!DOCTYPE …>` starting at `start`, adding its general entities to `table`.
 * Returns the index just past the declaration. `spend` is told every expansion of an
 * entity inside another's value (and throws when the document's budget is spent).
 */
export function readDoctype(
  src: string,
  start: number,
  table: EntityTable,
  issues: Issues,
  spend: Spend = () => undefined,
): number {
  for (let i = start + '<!DOCTYPE'.length; i < src.length; i++) {
    const c = src.charCodeAt(i);
    if (c === 0x22 || c === 0x27) i = find(src, src.charAt(i), i + 1, issues, 'the DOCTYPE');
    else if (c === 0x5b /* [ */)
      return skipDeclaration(src, readInternalSubset(src, i + 1, table, issues, spend), issues);
    else if (c === 0x3e) return i + 1;
  }
  return issues.fail(src.length, 'unexpected end of file inside the DOCTYPE');
}
