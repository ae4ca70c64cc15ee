import type { Command } from 'commander';
import { withStore } from './context.js';

// The tagger (natural, the model) loads only when a tags command runs: see main.ts.
const tagging = () => import('../tag/index.js');

/** `hansard-watch tags train|eval|retag`. */
export function registerTagCommands(program: Command): void {
  const tags = program.command('tags').description('topic tags: train, evaluate, re-tag stored speeches');

  tags
    .command('train')
    .description('train the classifiers deterministically and write a versioned model file under tags/models')
    .option('--corrections', "also train on editors' corrections from the store (they outrank file labels)")
    .action(async (opts: { corrections?: boolean }) => {
      const { runTrain } = await tagging();
      if (!opts.corrections) {
        process.stdout.write(`${(await runTrain()).summary}\n`);
        return;
      }
      await withStore(async ({ db }) => {
        const { correctionExamples } = await import('../tag/correction-repository.js');
        const extraExamples = await correctionExamples(db);
        const report = await runTrain({ extraExamples });
        process.stdout.write(`${report.summary}; ${extraExamples.length} corrected paragraphs\n`);
      });
    });

  tags
    .command('eval <file>')
    .description('precision, recall and F1 per tag on a labelled JSONL file (text, labels)')
    .option('--errors', 'list the misclassified paragraphs')
    .option(
      '--cv <k>',
      'k-fold cross-validation: score each fold with a model trained on tags/training plus the other folds',
    )
    .action(async (file: string, opts: { errors?: boolean; cv?: string }) => {
      const { runCrossValidation, runEval } = await tagging();
      const showErrors = !!opts.errors;
      if (opts.cv === undefined) {
        process.stdout.write(runEval({ file, showErrors }));
        return;
      }
      if (!/^\d+$/.test(opts.cv)) throw new Error(`--cv must be a whole number of folds, got ${opts.cv}`);
      process.stdout.write(`${runCrossValidation({ file, folds: Number(opts.cv), showErrors })}\n`);
    });

  tags
    .command('cv-real')
    .description(
      'cross-validate on all real labelled Hansard (dev-2009, real-2015-20, corpus-2009 rows), grouped by debate',
    )
    .option('--folds <k>', 'number of folds', '5')
    .option('--no-written', 'train on the real rows only, without tags/training/written')
    .option(
      '--train-on <sources>',
      'real sources that join training (comma-separated: corpus-2009,dev-2009,real-2015-20; default all); ' +
        "'corpus-2009' alone is model-v5's recipe",
    )
    .option(
      '--topical <share>',
      'train with the topical gate at this share (0: off; default: the shipped setting)',
    )
    .option('--no-stop-bigrams', 'leave bigrams holding a stop word out of the vocabulary')
    .option('--headings', 'give real rows their debate heading and train with heading features')
    .option(
      '--heading-prior <logodds>',
      'log-odds added where the heading names a tag and the paragraph has evidence',
    )
    .option('--neighbours', "give 2009 rows their speech's previous and next paragraph, as features")
    .option('--topical-min <logodds>', 'least contribution of the topical term a classifier-only tag needs')
    .option('--errors', 'list the misclassified paragraphs')
    .action(
      async (opts: {
        folds: string;
        written: boolean;
        trainOn?: string;
        topical?: string;
        stopBigrams: boolean;
        headings?: boolean;
        headingPrior?: string;
        neighbours?: boolean;
        topicalMin?: string;
        errors?: boolean;
      }) => {
        if (!/^\d+$/.test(opts.folds)) throw new Error(`--folds must be a whole number, got ${opts.folds}`);
        const topical = opts.topical === undefined ? 0 : Number(opts.topical);
        if (!(topical >= 0 && topical <= 1))
          throw new Error(`--topical must be a number from 0 to 1, got ${opts.topical}`);
        const sources = opts.trainOn?.split(',').map((x) => x.trim());
        const known = ['corpus-2009', 'dev-2009', 'real-2015-20'];
        const bad = (sources ?? []).filter((x) => !known.includes(x));
        if (bad.length) throw new Error(`--train-on: unknown ${bad.join(', ')}; known: ${known.join(', ')}`);
        const { runRealCrossValidation, DEFAULT_TRAIN_OPTIONS } = await tagging();
        const options = {
          ...DEFAULT_TRAIN_OPTIONS,
          ...(opts.topical !== undefined ? { topicalPrecision: topical } : {}),
          ...(opts.stopBigrams ? {} : { stopBigrams: 0 }),
          ...(opts.headings ? { headingFeatures: 1 } : {}),
          ...(opts.neighbours ? { neighbourFeatures: 1 } : {}),
          ...(opts.topicalMin !== undefined ? { topicalMinimum: Number(opts.topicalMin) } : {}),
        };
        if (opts.topicalMin !== undefined && !(Number(opts.topicalMin) >= 0))
          throw new Error(`--topical-min must be a number of at least 0, got ${opts.topicalMin}`);
        const headingPrior = Number(opts.headingPrior ?? 0);
        if (!Number.isFinite(headingPrior)) throw new Error(`--heading-prior must be a number`);
        process.stdout.write(
          `${runRealCrossValidation({
            folds: Number(opts.folds),
            written: opts.written,
            options,
            ...(sources ? { trainSources: sources } : {}),
            ...(opts.headings || headingPrior ? { headings: true } : {}),
            headingPrior,
            ...(opts.neighbours ? { neighbours: true } : {}),
            showErrors: !!opts.errors,
          })}\n`,
        );
      },
    );

  tags
    .command('retag')
    .description('re-tag stored speeches after a rules or model change, and report how many tags changed')
    .option('--since <date>', 'only days from this sitting date (YYYY-MM-DD)')
    .option('--tag <tag...>', 'only these tags')
    .action((opts: { since?: string; tag?: string[] }) =>
      withStore(async ({ db, log }) => {
        if (opts.since && !/^\d{4}-\d{2}-\d{2}$/.test(opts.since))
          throw new Error(`--since must be YYYY-MM-DD, got ${opts.since}`);
        const [{ createDefaultTagger }, { TagRepository }, { tagPendingDays }, { default: cliProgress }] =
          await Promise.all([
            tagging(),
            import('../tag/tag-repository.js'),
            import('../tag/tag-service.js'),
            import('cli-progress'),
          ]);
        const tagger = createDefaultTagger();
        const unknown = (opts.tag ?? []).filter((t) => !tagger.tags.includes(t));
        if (unknown.length)
          throw new Error(`Unknown --tag ${unknown.join(', ')}; known: ${tagger.tags.join(', ')}`);
        const repo = new TagRepository(db);
        await repo.queueDays(opts.since ?? null);
        const total = await repo.pendingCount();
        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar({ format: 'retag [{bar}] {value}/{total} days' })
          : null;
        bar?.start(total, 0);
        const sum = await tagPendingDays({ db, tags: repo }, tagger, {
          only: opts.tag ?? null,
          onDay: () => bar?.increment(),
          log,
        });
        bar?.stop();
        process.stdout.write(
          `retagged ${sum.speeches} speeches in ${sum.days} days with ${tagger.modelVersion}: ` +
            `${sum.added} speech tags added, ${sum.removed} removed\n`,
        );
        // Recorded in ingest_errors and dequeued; `hansard-watch repair days` retries them.
        for (const f of sum.failed) process.stdout.write(`  FAILED ${f.file}: ${f.message}\n`);
        if (sum.failed.length > 0) process.exitCode = 1;
      }),
    );

  registerCorrectionCommands(tags);
}

/** The tags the taxonomy defines: a correction may name only these. */
async function knownTags(): Promise<string[]> {
  const { loadTaxonomy, tagPaths } = await tagging();
  return loadTaxonomy(tagPaths().taxonomy).tags.map((t) => t.id);
}

/** `tags correct` and `tags corrections`: editors' verdicts on paragraph tags. */
function registerCorrectionCommands(tags: Command): void {
  tags
    .command('correct <gid> <paragraph> <changes...>')
    .description(
      "correct a paragraph's tags: +tag adds, -tag removes (paragraph: 1-based position in the speech, or its pid)",
    )
    .option('--note <text>', 'why (shown in `tags corrections`)')
    // `-outsourcing` is a verdict, not an option: let it through to <changes...>.
    .allowUnknownOption()
    .action((gid: string, paragraph: string, changes: string[], opts: { note?: string }) =>
      withStore(async ({ db }) => {
        const [{ parseCorrectionArg }, { recordCorrection }] = await Promise.all([
          import('../tag/corrections.js'),
          import('../tag/correction-repository.js'),
        ]);
        const parsed = changes.map((c) => {
          const p = parseCorrectionArg(c);
          if (p === null) throw new Error(`'${c}' is not +tag or -tag`);
          return p;
        });
        const known = await knownTags();
        const saved = await db.transaction((tx) =>
          recordCorrection(tx, {
            gid,
            paragraph,
            changes: parsed,
            note: opts.note ?? null,
            origin: 'cli',
            knownTags: known,
          }),
        );
        for (const c of saved)
          process.stdout.write(
            `${c.action === 'add' ? 'added' : 'removed'} ${c.tag} on ${c.gid} paragraph ${c.paragraph ?? '?'} (correction ${c.id})\n`,
          );
      }),
    );

  tags
    .command('audit')
    .description(
      'judge a stratified random sample of stored tags; wrong ones become corrections, with a precision report',
    )
    .option('--per-stratum <n>', 'tags drawn from each tag × method', '20')
    .option('--seed <text>', 'the sample is the same for the same seed and store', 'audit')
    .option('--report <file>', 'also write the precision report (Markdown) to this file')
    .action((opts: { perStratum: string; seed: string; report?: string }) =>
      withStore(async ({ db }) => {
        if (!/^\d+$/.test(opts.perStratum))
          throw new Error(`--per-stratum must be a whole number, got ${opts.perStratum}`);
        const { askVerdicts, drawSample, precisionReport, saveVerdicts } = await import('../tag/audit.js');
        const items = await drawSample(db, Number(opts.perStratum), opts.seed);
        const verdicts = await askVerdicts(items, { input: process.stdin, output: process.stdout });
        if (verdicts === null) {
          process.stdout.write('\naudit ended before the last verdict: nothing was written\n');
          process.exitCode = 1;
          return;
        }
        const removed = await saveVerdicts(db, verdicts, await knownTags());
        const report = precisionReport(verdicts);
        process.stdout.write(`\n${report}\n\n${removed} wrong tags written as corrections\n`);
        if (opts.report) (await import('node:fs')).writeFileSync(opts.report, `${report}\n`);
      }),
    );

  tags
    .command('corrections')
    .description('list every editor correction')
    .option('--json', 'one JSON object per line')
    .action((opts: { json?: boolean }) =>
      withStore(async ({ db }) => {
        const { listCorrections } = await import('../tag/correction-repository.js');
        const list = await listCorrections(db);
        if (opts.json) {
          for (const c of list) process.stdout.write(`${JSON.stringify(c)}\n`);
          return;
        }
        if (list.length === 0) process.stdout.write('no corrections\n');
        for (const c of list) {
          const where = c.paragraph === null ? 'text since changed' : `paragraph ${c.paragraph}`;
          const snippet = c.text.length > 70 ? `${c.text.slice(0, 69)}…` : c.text;
          process.stdout.write(
            `#${c.id} ${c.createdAt} ${c.action === 'add' ? '+' : '-'}${c.tag} ${c.gid} ${where} [${c.origin}]` +
              `${c.note ? ` — ${c.note}` : ''}\n    ${snippet}\n`,
          );
        }
      }),
    );
}
