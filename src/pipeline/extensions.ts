/**
 * Where features that react to newly ingested speeches plug in. Both entry points (`start`
 * and `workers/main.ts`) call this, so every process that works the `speeches-ingested`
 * stage runs the same handlers. Tagging and alerts add theirs here, e.g.
 *
 *   pipeline.onSpeechesIngested('tagging', (event, ctx) => tagSpeeches(ctx.db, event.changedSpeechGids));
 */
import type { Pipeline } from './pipeline.js';

export function registerExtensions(pipeline: Pipeline): void {
  void pipeline; // No features consume speeches-ingested yet (tagging and alerts are later issues).
}
