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
    .action(async () => {
      const report = await (await tagging()).runTrain();
      process.stdout.write(`${report.summary}\n`);
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
    .option('--errors', 'list the misclassified paragraphs')
    .action(async (opts: { folds: string; written: boolean; errors?: boolean }) => {
      if (!/^\d+$/.test(opts.folds)) throw new Error(`--folds must be a whole number, got ${opts.folds}`);
      const { runRealCrossValidation } = await tagging();
      process.stdout.write(
        `${runRealCrossValidation({ folds: Number(opts.folds), written: opts.written, showErrors: !!opts.errors })}\n`,
      );
    });

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
        const sum = await tagPendingDays(db, tagger, {
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
}
