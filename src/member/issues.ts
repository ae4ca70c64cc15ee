import type { z } from 'zod';

/** A problem with one part of a people file: `memberships[12].person_id` / `required`. */
export interface PeopleIssue {
  /** JSON path of the offending record or field. */
  path: string;
  message: string;
  /** The file the data came from, when the caller said. */
  source?: string;
}

export function joinPath(base: string, key: PropertyKey): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base ? `${base}.${String(key)}` : String(key);
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'invalid_type') return issue.message;
  // With reportInput the input is omitted exactly when it was undefined, i.e. missing.
  if (!('input' in issue) || issue.input === undefined) return 'required';
  const got = issue.input === null ? 'null' : Array.isArray(issue.input) ? 'array' : typeof issue.input;
  return `expected ${issue.expected}, got ${got}`;
}

export class IssueLog {
  readonly issues: PeopleIssue[] = [];

  constructor(private readonly source?: string) {}

  add(path: string, message: string): void {
    this.issues.push(this.source === undefined ? { path, message } : { path, message, source: this.source });
  }

  /** Checks one record; reports every failing field under `path` and returns null if any. */
  check<S extends z.ZodType>(schema: S, value: unknown, path: string): z.infer<S> | null {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      this.add(issue.path.reduce<string>(joinPath, path), describe(issue));
    }
    return null;
  }
}
