import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { parseLimits } from '../config.js';
import { FEED_TYPES, type FeedType } from '../parliament/index.js';
import { ingestBatch } from '../app/ingest.js';
import type { IngestSummary } from '../ingest/ingest.js';
import { listSourceFiles } from '../ingest/source-files.js';
import { loadMembersFile } from '../member/member-service.js';
import { MemberRepository } from '../member/member-repository.js';
import { createDefaultTagger } from '../tag/index.js';
import { withStore } from './context.js';

export interface IngestArgs {
  source: string;
  types?: string;
  from?: string;
  to?: string;
  workers?: string;
  members: boolean;
  tag: boolean;
}

function parseTypes(list: string | undefined): FeedType[] | undefined {
  if (!list) return undefined;
  const types = list.split(',').map((t) => t.trim());
  const bad = types.filter((t) => !(FEED_TYPES as readonly string[]).includes(t));
  if (bad.length) throw new Error(`Unknown --types ${bad.join(', ')}; known: ${FEED_TYPES.join(', ')}`);
  return types as FeedType[];
}

function checkDate(flag: string, v: string | undefined): string | undefined {
  if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
    throw new Error(`${flag} must be a date like 2009-10-26, got ${v}`);
  return v;
}

/**
 * Parse workers when neither --workers nor HW_INGEST_WORKERS says. Embedded PGlite commits
 * on one thread, slower than one parse worker parses, so a second worker only adds its heap
 * (each has a 96 MB young generation) to the peak RSS without speeding anything up.
 */
function defaultWorkers(embedded: boolean): number {
  return embedded ? 1 : Math.min(os.availableParallelism(), 4);
}

export async function runIngest(args: IngestArgs): Promise<number> {
  const files = listSourceFiles(args.source, {
    types: parseTypes(args.types),
    from: checkDate('--from', args.from),
    to: checkDate('--to', args.to),
  });
  return withStore(async ({ db, log, config }) => {
    const members = new MemberRepository(db);
    const peopleFile = path.join(args.source, 'members', 'people.json');
    if (args.members && existsSync(peopleFile)) {
      const res = await loadMembersFile(members, peopleFile, log);
      process.stderr.write(
        `members: ${res.status} ${res.persons} persons (${res.issues.length} records skipped)\n`,
      );
    }
    const people = await members.load();
    const workers =
      args.workers !== undefined
        ? Number(args.workers)
        : (config.HW_INGEST_WORKERS ?? defaultWorkers(!config.DATABASE_URL));
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { format: 'ingest [{bar}] {value}/{total} files | {file}', clearOnComplete: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    bar?.start(files.length, 0, { file: '' });
    const summary = await ingestBatch(db, files, {
      workers,
      writeConnections: config.HW_WRITE_CONNECTIONS,
      people: people.persons.length ? people : null,
      log,
      onFile: (f) => bar?.increment({ file: f.name }),
      tagger: args.tag ? createDefaultTagger() : null,
      limits: parseLimits(config),
    });
    bar?.stop();
    process.stdout.write(formatSummary(summary));
    return summary.failed.length > 0 ? 1 : 0;
  });
}

export function formatSummary(s: IngestSummary): string {
  const mb = s.bytes / 1e6;
  const lines = [
    `files       ${s.files} (${s.ingested} ingested, ${s.superseded} older versions, ${s.unchanged} unchanged, ${s.failed.length} failed)`,
    `speeches    ${s.speeches}`,
    `paragraphs  ${s.paragraphs}`,
    `warnings    ${s.warnings}`,
    `errors      ${s.failed.length}`,
    `indexed     ${s.indexed} paragraphs for search`,
    `tagged      ${s.tagged} speeches`,
    `read        ${mb.toFixed(1)} MB; committed in ${s.committedSeconds.toFixed(1)} s (${(mb / Math.max(s.committedSeconds, 1e-9)).toFixed(1)} MB/s), indexed and tagged in ${s.seconds.toFixed(1)} s`,
  ];
  for (const f of s.failed) lines.push(`  FAILED ${f.file}: ${f.message}`);
  return lines.join('\n') + '\n';
}
