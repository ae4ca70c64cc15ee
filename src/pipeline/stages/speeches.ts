/** `speeches-ingested`: runs the registered hooks (tagging, alerts) on a file's new and changed speeches. */
import type { PipelineDeps } from '../context.js';
import type { SpeechesJob } from '../jobs.js';
import type { JobContext } from '../queue.js';

export async function runSpeechesIngested(
  deps: PipelineDeps,
  job: JobContext<SpeechesJob>,
): Promise<{ hooks: number }> {
  await deps.hooks.run(job.data, { db: deps.db, log: job.log, signal: job.signal });
  return { hooks: deps.hooks.names().length };
}
