/**
 * A worker's liveness for container healthchecks: a worker serves no HTTP, so it writes the
 * time to a file each time its store and its queue both answer. The healthcheck reads the
 * file's age (Dockerfile, docker-compose.yml): stale means the worker is stuck or cut off,
 * not merely that the process exists.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** One worker per container: a fixed path the healthcheck knows. */
export const WORKER_HEARTBEAT_FILE = path.join(os.tmpdir(), 'hansard-watch-worker.alive');

/** Runs `check` now and every `everyMs`; writes `file` after each that succeeds. Returns stop. */
export function startHeartbeat(
  file: string,
  check: () => Promise<unknown>,
  onFailure: (err: unknown) => void,
  everyMs = 15_000,
): () => void {
  const beat = async () => {
    try {
      await check();
      await writeFile(file, `${new Date().toISOString()}\n`);
    } catch (err) {
      onFailure(err);
    }
  };
  void beat();
  const timer = setInterval(() => void beat(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
