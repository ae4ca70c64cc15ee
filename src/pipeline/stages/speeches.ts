/** `speeches-ingested`: publishes a file's new and changed speeches to their subscribers (alerts). */
import type { PipelineDeps } from '../context.js';
import type { SpeechesJob } from '../jobs.js';
import type { JobContext } from '../queue.js';

export async function runSpeechesIngested(
  deps: PipelineDeps,
  job: JobContext<SpeechesJob>,
): Promise<{ hooks: number }> {
  await deps.events.publish('speeches-ingested', job.data, { log: job.log, signal: job.signal });
  return { hooks: deps.events.names('speeches-ingested').length };
}
