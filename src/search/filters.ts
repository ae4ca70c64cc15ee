/**
 * The filters shared by search, the MP record, tag counts and the research export, and
 * their validation from a query string. One schema so that a link copied from the search
 * page exports exactly what it showed, and every 400 names the field that was wrong.
 */
import { z } from 'zod';
import { FEED_TYPES, HOUSES, normalisePersonId, type FeedType, type House } from '../parliament/index.js';
import { DEFAULT_MIN_CONFIDENCE } from '../tag/types.js';

export interface SpeechFilters {
  /** websearch_to_tsquery syntax: "phrases", OR, -negation. */
  q?: string;
  /** Speech carries at least one of these tags (at or above minConfidence). */
  tags?: string[];
  minConfidence: number;
  /** Only speeches (or paragraphs) with some tag at or above minConfidence. */
  tagged?: boolean;
  personId?: string;
  /** Party name as at the time of the speech (`Labour`), case-insensitive. */
  party?: string;
  houses?: House[];
  types?: FeedType[];
  /** Inclusive ISO dates on the sitting date. */
  from?: string;
  to?: string;
}

/** Query strings give a string, or an array when the key repeats; a comma list also works. */
const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()))
  .transform((v) => v.filter((s) => s !== ''));

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What is wrong with a string as text, or null: control characters other than tab, line
 * feed and carriage return (Postgres refuses NUL in text; nothing here has a use for the
 * rest), and unpaired UTF-16 surrogates, which are not text at all.
 */
export function textProblem(s: string): string | null {
  if (CONTROL.test(s)) return 'must not contain control characters';
  if (LONE_SURROGATE.test(s)) return 'must be valid Unicode text';
  return null;
}

/** A string schema refusing what textProblem finds. */
export const plainText = () =>
  z.string().superRefine((s, ctx) => {
    const problem = textProblem(s);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, abort: true });
  });

/** Optional text: an empty form field means "not given". */
const text = (max: number) =>
  plainText()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => (s === '' ? undefined : s))
    .optional();

/** The dates filters accept: Postgres's date type goes further, but no Hansard does, and year 0 is not a date. */
export const MIN_DATE = '0001-01-01';
export const MAX_DATE = '9999-12-31';

/** An ISO calendar date that exists (not 2009-02-30) within MIN_DATE..MAX_DATE. */
export function isValidDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || s < MIN_DATE || s > MAX_DATE) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

const DATE_MESSAGE = `must be a date like 2009-10-26, from ${MIN_DATE} to ${MAX_DATE}`;

/** A required date (admin backfill, the CLI). */
export const isoDate = z.string().trim().refine(isValidDate, DATE_MESSAGE);

const date = z
  .string()
  .trim()
  .transform((s) => (s === '' ? undefined : s))
  .refine((s) => s === undefined || isValidDate(s), DATE_MESSAGE)
  .optional();

const tagId = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,63}$/, 'must be tag ids like privatisation or outsourcing');

const bool = z
  .union([z.boolean(), z.enum(['true', 'false', '1', '0', 'on', ''])])
  .transform((v) => v === true || v === 'true' || v === '1' || v === 'on')
  .optional();

/** The filter fields as they arrive in a query string (shared by every endpoint that filters). */
export const filterFields = {
  q: text(500),
  tag: list.pipe(z.array(tagId).max(20, 'at most 20 tags')).optional(),
  minConfidence: z
    .union([z.number(), z.string().trim()])
    .transform((v) => (v === '' ? undefined : Number(v)))
    .refine(
      (n) => n === undefined || (Number.isFinite(n) && n >= 0 && n <= 1),
      'must be a number from 0 to 1',
    )
    .optional(),
  tagged: bool,
  person: plainText()
    .transform((s) => (s.trim() === '' ? undefined : s))
    .refine(
      (s) => s === undefined || normalisePersonId(s) !== null,
      'must be a person id like 10586 or uk.org.publicwhip/person/10586',
    )
    .optional(),
  party: text(100),
  house: list.pipe(z.array(z.enum(HOUSES, { error: `must be one of ${HOUSES.join(', ')}` }))).optional(),
  type: list
    .pipe(z.array(z.enum(FEED_TYPES, { error: `must be one of ${FEED_TYPES.join(', ')}` })))
    .optional(),
  from: date,
  to: date,
};

type FilterInput = z.output<z.ZodObject<typeof filterFields>>;

/** Turns parsed query fields into SpeechFilters (dropping what was not given). */
export function toSpeechFilters(f: FilterInput): SpeechFilters {
  const out: SpeechFilters = { minConfidence: f.minConfidence ?? DEFAULT_MIN_CONFIDENCE };
  if (f.q !== undefined) out.q = f.q;
  if (f.tag?.length) out.tags = [...new Set(f.tag)];
  if (f.tagged) out.tagged = true;
  if (f.person !== undefined) out.personId = normalisePersonId(f.person) ?? undefined;
  if (f.party !== undefined) out.party = f.party;
  if (f.house?.length) out.houses = [...new Set(f.house)];
  if (f.type?.length) out.types = [...new Set(f.type)];
  if (f.from !== undefined) out.from = f.from;
  if (f.to !== undefined) out.to = f.to;
  return out;
}

/** from must not be after to: checked once both are known, and reported on `to`. */
export function checkDateOrder(
  f: { from?: string | undefined; to?: string | undefined },
  ctx: z.RefinementCtx,
): void {
  if (f.from && f.to && f.from > f.to)
    ctx.addIssue({ code: 'custom', path: ['to'], message: `must not be before from (${f.from})` });
}
