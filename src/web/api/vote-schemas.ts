/**
 * Parameters of the division and vote endpoints, and of the export's vote mode. Kept
 * apart from schemas.ts (the speech endpoints'), with the same conventions: unknown
 * parameters are refused, and each bad field is named with the reason.
 */
import { z } from 'zod';
import { EXPORT_FORMATS } from '../../export/formats.js';
import { checkDateOrder, filterFields, toSpeechFilters, type SpeechFilters } from '../../search/filters.js';
import { intParam } from './schemas.js';

const cursor = z
  .string()
  .max(400, 'is not a cursor returned by this API')
  .transform((s) => (s === '' ? undefined : s))
  .optional();

/** GET /people/{id}/votes: newest first, optionally within dates. */
export const personVotesQuery = z
  .strictObject({ from: filterFields.from, to: filterFields.to, cursor, limit: intParam(1, 100, 20) })
  .superRefine(checkDateOrder);

/** GET /divisions/{gid} takes no parameters. */
export const divisionQuery = z.strictObject({});

/** Speech filters a vote cannot be chosen by: refused by name rather than ignored. */
const notForVotes = z
  .unknown()
  .refine(
    (v) => v === undefined || v === '' || (Array.isArray(v) && v.length === 0),
    'does not apply to per=vote: votes have no text or tags',
  )
  .optional();

/** GET /export?per=vote and `hansard-watch export --per vote`. */
export const voteExportQuery = z
  .strictObject({
    person: filterFields.person,
    party: filterFields.party,
    house: filterFields.house,
    type: filterFields.type,
    from: filterFields.from,
    to: filterFields.to,
    q: notForVotes,
    tag: notForVotes,
    tagged: notForVotes,
    minConfidence: notForVotes,
    format: z.enum(Object.keys(EXPORT_FORMATS) as [keyof typeof EXPORT_FORMATS], {
      error: `must be one of ${Object.keys(EXPORT_FORMATS).join(', ')}`,
    }),
    per: z.literal('vote'),
    excel: filterFields.tagged,
  })
  .superRefine(checkDateOrder);
export type VoteExportQuery = z.output<typeof voteExportQuery>;

/** The filters of a vote export, in the shape the speech filters share. */
export function voteFilters(q: VoteExportQuery): SpeechFilters {
  const { person, party, house, type, from, to } = q;
  return toSpeechFilters({ person, party, house, type, from, to });
}

/** Whether a query (HTTP or CLI) asks for the vote export. */
export function wantsVotes(query: unknown): boolean {
  return typeof query === 'object' && query !== null && (query as Record<string, unknown>).per === 'vote';
}
