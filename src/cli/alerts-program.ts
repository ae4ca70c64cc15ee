/**
 * `hansard-watch alerts …`: the commands and their options. What they do is in
 * alerts-command.ts, loaded only when one of them runs (the alert service, mailer and
 * matcher are a lot to load for `hansard-watch export`).
 */
import type { Command } from 'commander';
import type { AddArgs } from './alerts-command.js';
import { withStore, type CliContext } from './context.js';

type AlertCommands = typeof import('./alerts-command.js');

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** Adds `alerts …` to the CLI (src/cli/main.ts calls this once). */
export function registerAlertCommands(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alert subscriptions: keywords, tags or people, by e-mail, webhook or feed');
  const run = (fn: (cmd: AlertCommands, ctx: CliContext) => Promise<number>) =>
    withStore(async (ctx) => void (process.exitCode = await fn(await import('./alerts-command.js'), ctx)));
  alerts
    .command('add')
    .description('subscribe (e-mail: a confirmation is sent first unless --confirmed)')
    .option('--email <address>', 'e-mail alerts to this address')
    .option('--webhook <url>', 'POST signed JSON to this URL')
    .option('--feed', 'an Atom feed only')
    .option('--query <q>', 'keywords, search syntax: "phrase", OR, -word')
    .option('--tag <id>', 'tag (repeatable or comma-separated; any of them)', collect)
    .option('--person <id>', 'person id, e.g. 10586 (repeatable)', collect)
    .option('--house <house>', 'house-of-commons, house-of-lords, … (repeatable)', collect)
    .option('--type <type>', 'feed type: debates, westminhall, wrans, … (repeatable)', collect)
    .option('--min-confidence <n>', 'lowest tag confidence, 0 to 1 (default 0.5)')
    .option('--frequency <f>', 'immediate (default), daily or weekly')
    .option('--confirmed', 'the address has already agreed: skip the confirmation e-mail')
    .option('--json', 'print JSON')
    .action((args: AddArgs) => run((cmd, ctx) => cmd.runAlertsAdd(ctx, args)));
  alerts
    .command('list')
    .description('every subscription with its status and matches')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }) => run((cmd, ctx) => cmd.runAlertsList(ctx, opts)));
  alerts
    .command('remove <id>')
    .description('delete a subscription (and its delivery log)')
    .action((id: string) => run((cmd, ctx) => cmd.runAlertsRemove(ctx, id)));
  alerts
    .command('test <id>')
    .description('which recent speeches the subscription would match (nothing is sent)')
    .option('--days <n>', 'sitting days back from the newest stored (default 7)')
    .option('--limit <n>', 'speeches to look at, at most (default 20000)')
    .action((id: string, opts: { days?: string; limit?: string }) =>
      run((cmd, ctx) => cmd.runAlertsTest(ctx, id, opts)),
    );
  alerts
    .command('preview <id>')
    .description("render the subscription's next e-mail from stored speeches (nothing is sent)")
    .option('--date <YYYY-MM-DD>', 'the sitting day to preview (default: the latest stored)')
    .option('--html <file>', 'also write the HTML part to this file')
    .action((id: string, opts: { date?: string; html?: string }) =>
      run((cmd, ctx) => cmd.runAlertsPreview(ctx, id, opts)),
    );
  alerts
    .command('failures')
    .description('alert messages failing or dead-lettered, with their errors')
    .option('--json', 'print JSON')
    .option('--retry [id]', 're-queue a dead message by id, or all of them')
    .action((opts: { json?: boolean; retry?: string | boolean }) =>
      run((cmd, ctx) => cmd.runAlertsFailures(ctx, opts)),
    );
  alerts
    .command('key <action> [arg]')
    .description('API keys for webhook and feed owners: create <label> | list | revoke <id>')
    .action((action: string, arg: string | undefined) =>
      run((cmd, ctx) => cmd.runAlertsKey(ctx, action, arg)),
    );
}
