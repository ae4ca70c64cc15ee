/**
 * `hansard-watch repair text --source <dir>`: re-ingest the files whose stored text holds
 * control characters (stores ingested before C1 references were read as HTML5 reads them).
 * `hansard-watch repair days`: queue again, and run, the days whose indexing or tagging failed.
 */
import os from 'node:os';
import { parseLimits } from '../config.js';
import { requeueFailedDays } from '../ingest/day-failure.js';
import { repairText } from '../ingest/repair-text.js';
import { ingestBus } from '../app/subscriptions.js';
import { emptyReport } from '../events/ingest.js';
import { MemberRepository } from '../member/member-repository.js';
import { createDefaultTagger } from '../tag/index.js';
import { withStore } from './context.js';
import { formatSummary } from './ingest-command.js';

export interface RepairTextArgs {
  source: string;
  workers?: string;
  tag: boolean;
  dryRun?: boolean;
}

export async function runRepairText(args: RepairTextArgs): Promise<number> {
  return withStore(async ({ db, log, config }) => {
    const people = await new MemberRepository(db).load();
    const res = await repairText(db, args.source, {
      workers:
        args.workers !== undefined
          ? Number(args.workers)
          : (config.HW_INGEST_WORKERS ?? Math.min(os.availableParallelism(), 4)),
      writeConnections: config.HW_WRITE_CONNECTIONS,
      people: people.persons.length ? people : null,
      log,
      events: ingestBus({ db, tagger: args.tag ? createDefaultTagger() : null }),
      limits: parseLimits(config),
      dryRun: args.dryRun === true,
    });
    const paragraphs = res.affected.reduce((n, a) => n + a.paragraphs, 0);
    const out = [
      `${res.affected.length} files hold control characters in stored text (${paragraphs} paragraphs)`,
    ];
    for (const a of res.affected) out.push(`  ${a.name} (${a.paragraphs} paragraphs)`);
    for (const name of res.missing) out.push(`  NOT FOUND in ${args.source}: ${name}`);
    if (res.ingest) out.push('re-ingested:', formatSummary(res.ingest).trimEnd());
    if (!args.dryRun) out.push(`files still holding control characters: ${res.remaining.length}`);
    process.stdout.write(out.join('\n') + '\n');
    const failed = (res.ingest?.failed.length ?? 0) > 0 || res.missing.length > 0;
    return failed || (!args.dryRun && res.remaining.length > 0) ? 1 : 0;
  });
}

export async function runRepairDays(args: { tag: boolean }): Promise<number> {
  return withStore(async ({ db, log }) => {
    const queued = await requeueFailedDays(db);
    // What follows any ingest, on the days queued again (no file was written).
    const report = emptyReport();
    const events = ingestBus({ db, tagger: args.tag ? createDefaultTagger() : null });
    await events.publish('file-ingested', { files: [], batch: true, report }, { log });
    const failed = report.failed.map((f) => `${f.file}: ${f.message}`);
    const lines = [
      `queued again: ${queued['search index']} days for search indexing, ${queued.tagging} for tagging`,
      `indexed     ${report.indexed} paragraphs`,
      args.tag ? `tagged      ${report.tagged} speeches` : 'tagging left queued (--no-tag)',
      ...failed.map((f) => `  FAILED ${f}`),
    ];
    process.stdout.write(lines.join('\n') + '\n');
    return failed.length > 0 ? 1 : 0;
  });
}
