/**
 * Query and body schemas of the API (and of the pages, which take the same parameters so
 * that a page's URL and the API's are interchangeable). Unknown parameters are refused:
 * a misspelt filter silently ignored would return the wrong speeches.
 */
import { z } from 'zod';
import { FREQUENCIES } from '../../alert/types.js';
import { EXPORT_FORMATS } from '../../export/formats.js';
import { checkDateOrder, filterFields, plainText } from '../../search/filters.js';
import { normalisePersonId } from '../../parliament/index.js';
import { INTERVALS } from '../../search/tag-count-repository.js';
import { SEARCH_ORDERS } from '../../search/search-repository.js';

export const intParam = (min: number, max: number, fallback: number) =>
  z
    .union([z.number(), z.string().trim()])
    .transform((v) => (v === '' ? fallback : Number(v)))
    .refine(
      (n) => Number.isInteger(n) && n >= min && n <= max,
      `must be a whole number from ${min} to ${max}`,
    )
    .default(fallback);

const cursor = plainText()
  .max(400, 'is not a cursor returned by this API')
  .transform((s) => (s === '' ? undefined : s))
  .optional();

const searchFields = {
  ...filterFields,
  cursor,
  limit: intParam(1, 100, 20),
  order: z.enum(SEARCH_ORDERS, { error: `must be one of ${SEARCH_ORDERS.join(', ')}` }).default('newest'),
};

export const searchQuery = z.strictObject(searchFields).superRefine(checkDateOrder);
export type SearchQuery = z.output<typeof searchQuery>;

/** Cursors of the pages before this one, oldest first, so that a page links back: its URL stays stable. */
const back = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter(Boolean))
  .pipe(z.array(plainText().max(400, 'is not a cursor returned by this site')).max(50, 'goes back too far'))
  .optional();

/** The search page: the API's parameters, a speaker by name instead of by id, and the way back. */
export const searchPageQuery = z
  .strictObject({
    ...searchFields,
    speaker: plainText().trim().max(200, 'must be at most 200 characters').optional(),
    back,
  })
  .superRefine(checkDateOrder);
export type SearchPageQuery = z.output<typeof searchPageQuery>;

/** A tag page: the filters that make sense for one tag, and paging. */
export const tagPageQuery = z
  .strictObject({
    from: filterFields.from,
    to: filterFields.to,
    house: filterFields.house,
    party: filterFields.party,
    minConfidence: filterFields.minConfidence,
    cursor,
    back,
  })
  .superRefine(checkDateOrder);
export type TagPageQuery = z.output<typeof tagPageQuery>;

export const exportFields = {
  ...filterFields,
  format: z.enum(Object.keys(EXPORT_FORMATS) as [keyof typeof EXPORT_FORMATS], {
    error: `must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}`,
  }),
  per: z.enum(['paragraph', 'speech'], { error: 'must be paragraph or speech' }).default('paragraph'),
  /** CSV for Excel: a byte order mark, and formula-like cells neutralised. */
  excel: filterFields.tagged,
};

export const exportQuery = z.strictObject(exportFields).superRefine(checkDateOrder);
export type ExportQuery = z.output<typeof exportQuery>;

export const peopleQuery = z.strictObject({
  q: plainText().trim().min(2, 'must be at least 2 characters').max(100, 'must be at most 100 characters'),
  limit: intParam(1, 100, 20),
});

export const recordQuery = z
  .strictObject({ from: filterFields.from, to: filterFields.to, minConfidence: filterFields.minConfidence })
  .superRefine(checkDateOrder);

export const tagsQuery = z.strictObject({ minConfidence: filterFields.minConfidence });

export const timelineQuery = z
  .strictObject({
    ...filterFields,
    interval: z.enum(INTERVALS, { error: `must be one of ${INTERVALS.join(', ')}` }).default('month'),
  })
  .superRefine(checkDateOrder);

/** Debate minConfidence (for the tags shown) is the only parameter. */
export const gidQuery = z.strictObject({ minConfidence: filterFields.minConfidence });

/** Parlparse gids: `uk.org.publicwhip/debate/2009-10-26b.1.2` and the like. */
export const gidParam = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/,
    'must be a TheyWorkForYou gid like uk.org.publicwhip/debate/2009-10-26b.1.2',
  );

export const personParam = z
  .string()
  .refine(
    (s) => normalisePersonId(s) !== null,
    'must be a person id like 10586 or uk.org.publicwhip/person/10586',
  )
  .transform((s) => normalisePersonId(s) ?? s);

/** A request to be alerted: by email, about a query, tags or a person (at least one). */
export const NEEDS_CRITERIA = 'give words to search for, a tag or a person to follow';
export const subscriptionBody = z
  .strictObject({
    email: z
      .string()
      .trim()
      .max(254, 'must be at most 254 characters')
      .pipe(z.email('must be an email address like name@example.org')),
    q: filterFields.q,
    tag: filterFields.tag,
    person: filterFields.person,
    minConfidence: filterFields.minConfidence,
    frequency: z.enum(FREQUENCIES, { error: `must be one of ${FREQUENCIES.join(', ')}` }).default('daily'),
  })
  .superRefine((b, ctx) => {
    if (!b.q && !b.tag?.length && !b.person)
      ctx.addIssue({
        code: 'custom',
        path: ['q'],
        message: NEEDS_CRITERIA,
      });
  });
export type SubscriptionInput = z.output<typeof subscriptionBody>;
