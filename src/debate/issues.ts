import { ParseError, type ParseIssue } from './types.js';

/** A pathological file must not turn its warnings into the bulk of the result. */
const MAX_WARNINGS = 500;

/**
 * Collects a file's warnings and raises its fatal error, turning source offsets into
 * line/column only when an issue is actually reported (so the hot path never counts lines).
 */
export class Issues {
  readonly warnings: ParseIssue[] = [];
  private readonly seen = new Set<string>();
  private src = '';
  // Cursor for line counting: issues mostly arrive in document order, so counting
  // resumes from the last position instead of from the start of the file.
  private cursorOffset = 0;
  private cursorLine = 1;
  private cursorLineStart = 0;

  constructor(readonly file: string) {}

  setSource(src: string): void {
    this.src = src;
    this.cursorOffset = 0;
    this.cursorLine = 1;
    this.cursorLineStart = 0;
  }

  position(offset: number): { line: number; column: number } {
    const at = Math.max(0, Math.min(offset, this.src.length));
    if (at < this.cursorOffset) {
      this.cursorOffset = 0;
      this.cursorLine = 1;
      this.cursorLineStart = 0;
    }
    let nl = this.src.indexOf('\n', this.cursorOffset);
    while (nl >= 0 && nl < at) {
      this.cursorLine++;
      this.cursorLineStart = nl + 1;
      nl = this.src.indexOf('\n', nl + 1);
    }
    this.cursorOffset = at;
    return { line: this.cursorLine, column: at - this.cursorLineStart + 1 };
  }

  warn(offset: number | undefined, field: string | undefined, message: string): void {
    if (this.warnings.length > MAX_WARNINGS) return;
    const issue: ParseIssue = { severity: 'warning', file: this.file, message };
    if (this.warnings.length === MAX_WARNINGS) {
      issue.message = `more than ${MAX_WARNINGS} warnings; the rest are not reported`;
    } else {
      if (offset !== undefined) Object.assign(issue, this.position(offset));
      if (field !== undefined) issue.field = field;
    }
    this.warnings.push(issue);
  }

  /** Reports a kind of problem once per file (e.g. each unknown element name). */
  warnOnce(key: string, offset: number | undefined, field: string | undefined, message: string): void {
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.warn(offset, field, message);
  }

  fail(offset: number | undefined, message: string, field?: string): never {
    const issue: ParseIssue = { severity: 'error', file: this.file, message };
    if (offset !== undefined) Object.assign(issue, this.position(offset));
    if (field !== undefined) issue.field = field;
    throw new ParseError(issue);
  }
}
