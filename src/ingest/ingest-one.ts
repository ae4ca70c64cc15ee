import type { ParseLimits } from '../debate/limits.js';
import type { FeedFileName, ParseIssue } from '../debate/types.js';
import type { FeedType } from '../parliament/index.js';
import { parseFeedFileName } from '../debate/feed-file.js';
import type { Logger } from '../log.js';
import type { Db } from '../store/db.js';
import { toIssue } from './parse-pool.js';
import { searchVectorSettings } from './search-index.js';
import { sha256Hex } from '../store/checksum.js';
import { prepareFile, type SpeakerResolver } from './rows.js';
import { emptyReport, type IngestBus } from '../events/ingest.js';
import { insertIssues, SittingRepository, type ApplyStatus } from './sitting-repository.js';

export interface IngestOneResult {
  status: ApplyStatus | 'invalid';
  file: FeedFileName;
  checksum: string;
  speeches: number;
  paragraphs: number;
  changedSpeechGids: string[];
  /** Why the file was refused, when status is 'invalid'. */
  issue?: ParseIssue;
}

/** Records a file that could not be ingested, so `hansard-watch errors` lists it. */
export async function recordFailure(db: Db, fileName: string, issue: ParseIssue, log: Logger): Promise<void> {
  log.error(
    { file: fileName, line: issue.line, column: issue.column, field: issue.field, err: issue.message },
    'ingest failed',
  );
  await insertIssues(db, fileName, [{ ...issue, severity: 'error' }]).catch((e: unknown) =>
    log.error({ file: fileName, err: String(e) }, 'could not record ingest error'),
  );
}

/** Warnings logged per file; all of them are in ingest_errors. */
const LOGGED_WARNINGS = 10;

/**
 * Surfaces a written file's parse warnings (dropped control characters, references kept
 * literally, unknown elements) in the log as well as in ingest_errors, each with its line.
 */
export function logWarnings(log: Logger, fileName: string, issues: readonly ParseIssue[]): void {
  const warnings = issues.filter((i) => i.severity === 'warning');
  for (const w of warnings.slice(0, LOGGED_WARNINGS))
    log.warn({ file: fileName, line: w.line, column: w.column, field: w.field }, w.message);
  if (warnings.length > LOGGED_WARNINGS)
    log.warn(
      { file: fileName, warnings: warnings.length },
      `${warnings.length - LOGGED_WARNINGS} more warnings: hansard-watch errors --all`,
    );
}

export interface IngestFileInput {
  name: string;
  type?: FeedType | undefined;
  bytes: Uint8Array;
}

/**
 * The live pipeline's unit of ingest: one file's bytes committed (ingestBytes), then
 * `file-ingested` published, whatever the outcome: an attempt that died between its commit
 * and the work that follows left its days queued, and this drains them. The subscribers
 * (search index, tagging) finish before this returns, so tags exist before the file's
 * speeches are announced to alerts.
 */
export async function ingestFile(
  db: Db,
  events: IngestBus,
  input: IngestFileInput,
  resolver: SpeakerResolver | null,
  ctx: { log: Logger; signal?: AbortSignal | undefined },
  limits?: Readonly<ParseLimits>,
): Promise<IngestOneResult> {
  const result = await ingestBytes(db, input, resolver, ctx.log, limits);
  await events.publish('file-ingested', { files: [input.name], batch: false, report: emptyReport() }, ctx);
  return result;
}

/**
 * Commits one file's bytes on the calling thread, and nothing after (see ingestFile). Bad
 * input is recorded and returned as 'invalid' (retrying cannot help); store failures
 * throw, so the job is retried.
 */
export async function ingestBytes(
  db: Db,
  input: IngestFileInput,
  resolver: SpeakerResolver | null,
  log: Logger,
  limits?: Readonly<ParseLimits>,
): Promise<IngestOneResult> {
  const checksum = sha256Hex(input.bytes);
  const search = await searchVectorSettings(db);
  let prepared;
  try {
    prepared = prepareFile(input.bytes, input.name, input.type, resolver, checksum, limits, search);
  } catch (err) {
    const issue = toIssue(err, input.name);
    await recordFailure(db, input.name, issue, log);
    const file = safeName(input.name, input.type);
    return { status: 'invalid', file, checksum, speeches: 0, paragraphs: 0, changedSpeechGids: [], issue };
  }
  const res = await new SittingRepository(db).apply(prepared);
  if (res.status !== 'unchanged') logWarnings(log, input.name, prepared.issues);
  const counted = res.status === 'current';
  return {
    status: res.status,
    file: prepared.file,
    checksum,
    speeches: counted ? prepared.speechCount : 0,
    paragraphs: counted ? prepared.paragraphCount : 0,
    changedSpeechGids: res.changedSpeechGids,
  };
}

function safeName(name: string, type: FeedType | undefined): FeedFileName {
  try {
    return parseFeedFileName(name, type);
  } catch {
    return { type: type ?? 'debates', name, groupKey: name, date: '', version: '' };
  }
}
