/**
 * Poll schedules are cron expressions (5 fields, or 6 with seconds first). Checked here,
 * once, so a schedule that would hammer TheyWorkForYou is refused at start-up rather than
 * discovered in their logs.
 */
import cron from 'node-cron';

const DAY_SECONDS = 86_400;

/** The most frequent schedule config accepts: politeness towards pwdata's operators. */
export const MIN_POLL_INTERVAL_SECONDS = 30;

/** Why `expression` is not a usable cron expression, or null when it is. */
export function cronProblem(expression: string): string | null {
  const result = cron.validateDetailed(expression);
  if (result.valid) return null;
  return result.errors.map((e) => e.message).join('; ') || 'invalid cron expression';
}

/**
 * The shortest gap, in seconds, between two runs of `expression` (a lower bound: day and
 * month fields only remove whole days, which can only lengthen gaps). Throws when invalid.
 */
export function minCronIntervalSeconds(expression: string): number {
  const { fields } = cron.validateDetailed(expression);
  if (!fields) throw new Error(cronProblem(expression) ?? 'invalid cron expression');
  const times: number[] = [];
  for (const h of fields.hour)
    for (const m of fields.minute) for (const s of fields.second) times.push(h * 3600 + m * 60 + s);
  times.sort((a, b) => a - b);
  let min = DAY_SECONDS - (times[times.length - 1] ?? 0) + (times[0] ?? 0);
  for (let i = 1; i < times.length; i++) min = Math.min(min, (times[i] ?? 0) - (times[i - 1] ?? 0));
  return min;
}
