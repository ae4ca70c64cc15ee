import { Command } from 'commander';
import type { IngestArgs } from './ingest-command.js';
import type { RepairTextArgs } from './repair-command.js';
import type { BackfillArgs } from './backfill-command.js';
import type { ServeArgs } from './serve-command.js';
import type { ExportArgs } from './export-args.js';
import { registerAlertCommands } from './alerts-program.js';
import { registerTagCommands } from './tags-command.js';
import { withStore } from './context.js';
import { HOUSES } from '../parliament/index.js';

// Each command loads what it needs when it runs: loading every command's modules (server,
// queue, tagger, alerts) up front cost 128 MB of RSS and most of a second for `--help`,
// and a research export carried all of it.

const program = new Command();
program
  .name('hansard-watch')
  .description('Track what Parliament says about NHS outsourcing, privatisation, STPs and ACOs');

program
  .command('migrate')
  .description('apply database migrations (re-running is a no-op)')
  .action(() =>
    withStore(async ({ db }) => {
      // openStore already migrated; report what the store holds.
      const { migrate } = await import('../store/migrate.js');
      const res = await migrate(db);
      process.stdout.write(
        `migrations: ${res.applied.length} applied, ${res.alreadyApplied.length} already applied\n`,
      );
    }),
  );

program
  .command('ingest')
  .description('ingest a TheyWorkForYou pwdata directory (scrapedxml/<type>/*.xml, members/people.json)')
  .requiredOption('--source <dir>', 'pwdata-shaped directory')
  .option('--types <list>', 'comma-separated feed types (default: all present)')
  .option('--from <date>', 'first sitting date, YYYY-MM-DD')
  .option('--to <date>', 'last sitting date, YYYY-MM-DD')
  .option('--workers <n>', 'parse worker threads (0 = main thread)')
  .option('--no-members', 'do not load <source>/members/people.json first')
  .option('--no-tag', 'leave the days untagged (queued for a tagging worker)')
  .action(async (args: IngestArgs) => {
    process.exitCode = await (await import('./ingest-command.js')).runIngest(args);
  });

const repair = program.command('repair').description('mend a store after a fix (see docs/operations.md)');
repair
  .command('text')
  .description('re-ingest from --source the files whose stored text holds control characters (e.g. U+0092)')
  .requiredOption('--source <dir>', 'pwdata-shaped directory holding the stored files')
  .option('--workers <n>', 'parse worker threads (0 = main thread)')
  .option('--no-tag', 'leave the repaired days queued for a tagging worker')
  .option('--dry-run', 'only list the files that need it')
  .action(async (args: RepairTextArgs) => {
    process.exitCode = await (await import('./repair-command.js')).runRepairText(args);
  });
repair
  .command('days')
  .description('queue again the days whose search indexing or tagging failed, and run them')
  .option('--no-tag', 'leave them queued for a tagging worker')
  .action(async (args: { tag: boolean }) => {
    process.exitCode = await (await import('./repair-command.js')).runRepairDays(args);
  });

const members = program.command('members').description('member data (Popolo people.json)');
members
  .command('load <file>')
  .description('load a people.json; stored speeches are re-resolved')
  .action((file: string) =>
    withStore(async ({ db, log }) => {
      const [{ loadMembersFile }, { MemberRepository }] = await Promise.all([
        import('../member/member-service.js'),
        import('../member/member-repository.js'),
      ]);
      const res = await loadMembersFile(new MemberRepository(db), file, log);
      process.stdout.write(
        `members ${res.status}: ${res.persons} persons, ${res.memberships} memberships, ${res.issues.length} records skipped, ${res.speechesUpdated} speeches and ${res.votesUpdated} votes re-resolved\n`,
      );
      for (const i of res.issues.slice(0, 20)) process.stdout.write(`  skipped ${i.path}: ${i.message}\n`);
    }),
  );

program
  .command('speech <gid>')
  .description('show a speech by gid (old gids of revised files resolve)')
  .option('--json', 'print JSON')
  .action(async (gid: string, opts: { json?: boolean }) => {
    type Speech = NonNullable<
      Awaited<ReturnType<import('../speech/speech-repository.js').SpeechRepository['get']>>
    >;
    const show = (speech: Speech | null) => {
      if (!speech) {
        process.stderr.write(`No speech with gid ${gid}\n`);
        process.exitCode = 1;
        return;
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(speech, null, 2) + '\n');
        return;
      }
      // Without a person the label is the office itself.
      const who = [speech.personName ? speech.office : null, speech.speakerLabel].filter(Boolean).join(' · ');
      const moved = speech.gid !== gid ? ` (redirected from ${gid})` : '';
      process.stdout.write(
        `${speech.gid}${moved}\n${speech.sittingDate} ${speech.type} · ${speech.majorHeading ?? ''} / ${speech.minorHeading ?? ''}\n${who || '(no speaker)'}\n\n`,
      );
      for (const p of speech.paragraphs) process.stdout.write(`${p.body}\n\n`);
    };
    const { embeddedServer, serverGet } = await import('./read-via-server.js');
    const server = await embeddedServer();
    if (server) {
      const res = await serverGet<Speech>(server, `/admin/api/speech/${encodeURI(gid)}`);
      return show(res.status === 404 ? null : res.body);
    }
    await withStore(async ({ db }) => {
      const { SpeechRepository } = await import('../speech/speech-repository.js');
      show(await new SpeechRepository(db).get(gid));
    });
  });

program
  .command('errors')
  .description(
    'list files that failed to ingest, and speakers or voters that do not resolve (with the reason)',
  )
  .option('--all', 'include resolved errors and warnings')
  .action(async (opts: { all?: boolean }) => {
    type Rows = Awaited<ReturnType<typeof import('../ingest/error-repository.js').listIngestErrors>>;
    const show = (rows: Rows, unresolved: string[]) => {
      if (rows.length === 0) process.stdout.write('no open ingest errors\n');
      for (const r of rows) {
        const where = r.line !== null ? `:${r.line}${r.col !== null ? `:${r.col}` : ''}` : '';
        process.stdout.write(
          `${r.severity.toUpperCase()} ${r.file_name}${where} ${r.field ?? ''} ${r.message}${r.resolved_at ? ' (resolved)' : ''}\n`,
        );
      }
      if (unresolved.length === 0) process.stdout.write('every speaker and voter id resolves to a person\n');
      for (const l of unresolved) process.stdout.write(`${l}\n`);
    };
    const { embeddedServer, serverGet } = await import('./read-via-server.js');
    const server = await embeddedServer();
    if (server) {
      const { body } = await serverGet<{ rows: Rows; unresolved: string[] }>(
        server,
        `/admin/api/errors${opts.all ? '?all=1' : ''}`,
      );
      return show(body.rows, body.unresolved);
    }
    await withStore(async ({ db }) => {
      const { listIngestErrors } = await import('../ingest/error-repository.js');
      const rows = await listIngestErrors(db, { includeResolved: !!opts.all, includeWarnings: !!opts.all });
      // Speakers and voters checked against the member data as stored now.
      const [{ unresolvedReport, formatUnresolved }, { MemberRepository }] = await Promise.all([
        import('../member/unresolved-report.js'),
        import('../member/member-repository.js'),
      ]);
      show(rows, formatUnresolved(await unresolvedReport(new MemberRepository(db))));
    });
  });

program
  .command('start')
  .description('serve, poll on POLL_CRON and work the pipeline (embedded unless REDIS_URL/DATABASE_URL)')
  .option('--no-worker', 'leave the queue to `npm run worker` processes (REDIS_URL only)')
  .action(async (opts: { worker: boolean }) => (await import('./start-command.js')).runStart(opts));

program
  .command('status')
  .description('feed cursors, last poll, queue depths and failed jobs')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    process.exitCode = await (await import('./status-command.js')).runStatus(opts);
  });

program
  .command('backfill')
  .description(
    'queue historic files (from the directory index) behind live work, at BACKFILL_PER_MINUTE; ' +
      'or, with --source, load a local pwdata mirror through the batch ingest (resumable)',
  )
  .option('--from <date>', 'first sitting date, YYYY-MM-DD (required without --source)')
  .option('--to <date>', 'last sitting date, YYYY-MM-DD')
  .option('--types <list>', 'comma-separated feed types (default: FEED_TYPES)')
  .option('--force', 'also queue files the store already holds (fetched conditionally)')
  .option('--no-wait', 'queue and return instead of showing progress (REDIS_URL only)')
  .option('--source <dir>', 'a local pwdata mirror: ingest it here, in chunks; a rerun resumes')
  .option('--chunk-mb <n>', 'with --source: MB of XML committed before indexing and tagging (default 256)')
  .option('--no-tag', 'with --source: leave the days queued for a tagging worker')
  .option(
    '--search-vectors',
    'with --source: work out search vectors in the parse workers (docs/operations.md)',
  )
  .action(async (args: BackfillArgs) => {
    process.exitCode = await (await import('./backfill-command.js')).runBackfill(args);
  });

const jobs = program.command('jobs').description('pipeline jobs');
jobs
  .command('retry [id]')
  .description('retry a failed job by id, or every failed job with --all')
  .option('--all', 'retry every failed job')
  .action(async (id: string | undefined, opts: { all?: boolean }) => {
    process.exitCode = await (await import('./jobs-command.js')).runRetry(id, opts);
  });
jobs
  .command('failed')
  .description('list failed jobs with their reasons')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    process.exitCode = await (await import('./jobs-command.js')).runFailed(opts);
  });

program
  .command('serve')
  .description('serve the site and REST API over the store (no polling or workers; see start)')
  .option('--port <n>', 'port to listen on (default: PORT)')
  .option('--host <host>', 'address to listen on (default: HOST)')
  .option('--rate-limit <n>', 'requests per minute per client address, 0 = off (default 300)')
  .option('--trust-proxy', 'take client addresses from X-Forwarded-For (behind a reverse proxy)')
  .action(async (args: ServeArgs) => (await import('./serve-command.js')).runServe(args));

program
  .command('export')
  .description(
    'research export: one row per paragraph, speech or vote, with citations, to a file (or - for stdout)',
  )
  .requiredOption('--format <format>', 'csv, jsonl or parquet')
  .requiredOption('--out <file>', 'file to write (- for stdout)')
  .option('--per <unit>', 'paragraph (default), speech, or vote (one row per vote in a division)')
  .option('--q <query>', 'full-text query: "phrase", OR, -word')
  .option('--tag <tags>', 'comma-separated tags (any of them)')
  .option('--min-confidence <n>', 'lowest tag confidence, 0 to 1 (default 0.5)')
  .option('--tagged', 'only rows with some tag')
  .option('--person <id>', 'person id (10586 or uk.org.publicwhip/person/10586)')
  .option('--party <name>', 'party at the time of the speech')
  .option('--house <houses>', `comma-separated: ${HOUSES.join(', ')}`)
  .option('--type <types>', 'comma-separated feed types')
  .option('--from <date>', 'first sitting date, YYYY-MM-DD')
  .option('--to <date>', 'last sitting date, YYYY-MM-DD')
  .option('--excel', 'CSV for spreadsheets: byte order mark, formula-like cells neutralised')
  .action(async (args: ExportArgs) => {
    process.exitCode = await (await import('./export-command.js')).runExport(args);
  });

registerTagCommands(program);
registerAlertCommands(program);

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`hansard-watch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
