/**
 * Query parameters of the paged reads of one speech or one debate: gidQuery's, and the
 * cursor a previous page gave (paragraph-window.ts). Kept beside schemas.ts, whose
 * schemas they extend.
 */
import { z } from 'zod';
import { decodeWindowKey, type WindowKey } from '../../speech/paragraph-window.js';
import { gidQuery } from './schemas.js';

const NOT_A_CURSOR = 'is not a cursor returned by this API';

/** `?cursor=12.3`: after paragraph 3 of the speech at seq 12. */
export const debatePageQuery = gidQuery.extend({
  cursor: z
    .string()
    .max(40, NOT_A_CURSOR)
    .transform((s, ctx): WindowKey | undefined => {
      if (s === '') return undefined;
      const key = decodeWindowKey(s);
      if (!key) ctx.addIssue({ code: 'custom', message: NOT_A_CURSOR });
      return key ?? undefined;
    })
    .optional(),
});

/** `?cursor=7`: after the speech's paragraph 7. */
export const speechPageQuery = gidQuery.extend({
  cursor: z
    .string()
    .regex(/^(\d{1,9})?$/, NOT_A_CURSOR)
    .transform((s) => (s === '' ? undefined : Number(s)))
    .optional(),
});
