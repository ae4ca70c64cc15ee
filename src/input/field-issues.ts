/**
 * One invalid field of some input (a query string, a form, a JSON body, a CLI option), as
 * every 400 body and form error list reports it.
 */
import type { z } from 'zod';

export interface FieldIssue {
  field: string;
  message: string;
}

/** Zod issues → field + message; unknown keys are reported each under its own name. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((k) => ({ field: k, message: 'is not a known parameter' }));
    const field = issue.path.filter((p) => typeof p === 'string').join('.') || '(query)';
    return [{ field, message: issue.message }];
  });
}
