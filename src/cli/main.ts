import { Command } from 'commander';
import { runIngest, type IngestArgs } from './ingest-command.js';
import { withStore } from './context.js';
import { migrate } from '../store/migrate.js';
import { loadMembersFile } from '../member/member-service.js';
import { SpeechRepository } from '../speech/speech-repository.js';
import { listIngestErrors } from '../ingest/error-repository.js';

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
  .action(async (args: IngestArgs) => {
    process.exitCode = await runIngest(args);
  });

const members = program.command('members').description('member data (Popolo people.json)');
members
  .command('load <file>')
  .description('load a people.json; stored speeches are re-resolved')
  .action((file: string) =>
    withStore(async ({ db, log }) => {
      const res = await loadMembersFile(db, file, log);
      process.stdout.write(
        `members ${res.status}: ${res.persons} persons, ${res.memberships} memberships, ${res.issues.length} records skipped, ${res.speechesUpdated} speeches re-resolved\n`,
      );
      for (const i of res.issues.slice(0, 20)) process.stdout.write(`  skipped ${i.path}: ${i.message}\n`);
    }),
  );

program
  .command('speech <gid>')
  .description('show a speech by gid (old gids of revised files resolve)')
  .option('--json', 'print JSON')
  .action((gid: string, opts: { json?: boolean }) =>
    withStore(async ({ db }) => {
      const speech = await new SpeechRepository(db).get(gid);
      if (!speech) {
        process.stderr.write(`No speech with gid ${gid}\n`);
        process.exitCode = 1;
        return;
      }
      if (opts.json) {
        process.stdout.write(JSON.stringify(speech, null, 2) + '\n');
        return;
      }
      const who = [speech.speakerName, speech.party, speech.constituency].filter(Boolean).join(', ');
      const moved = speech.gid !== gid ? ` (redirected from ${gid})` : '';
      process.stdout.write(
        `${speech.gid}${moved}\n${speech.sittingDate} ${speech.type} · ${speech.majorHeading ?? ''} / ${speech.minorHeading ?? ''}\n${who || '(no speaker)'}\n\n`,
      );
      for (const p of speech.paragraphs) process.stdout.write(`${p.body}\n\n`);
    }),
  );

program
  .command('errors')
  .description('list files that failed to ingest, and warnings')
  .option('--all', 'include resolved errors and warnings')
  .action((opts: { all?: boolean }) =>
    withStore(async ({ db }) => {
      const rows = await listIngestErrors(db, { includeResolved: !!opts.all, includeWarnings: !!opts.all });
      if (rows.length === 0) process.stdout.write('no open ingest errors\n');
      for (const r of rows) {
        const where = r.line !== null ? `:${r.line}${r.col !== null ? `:${r.col}` : ''}` : '';
        process.stdout.write(
          `${r.severity.toUpperCase()} ${r.file_name}${where} ${r.field ?? ''} ${r.message}${r.resolved_at ? ' (resolved)' : ''}\n`,
        );
      }
    }),
  );

program.parseAsync().catch((err: unknown) => {
  process.stderr.write(`hansard-watch: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
