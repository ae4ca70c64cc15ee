/**
 * CPU seconds of this process (all its threads) and of the Postgres backends serving it, so
 * that a bench on a shared machine can report work done as well as wall time: under other
 * people's load the wall time stretches, the CPU seconds much less.
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS = 100; // USER_HZ on Linux

/** utime + stime of a process, in seconds; 0 when it is gone or /proc is missing. */
export function procCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** A unique application_name for a bench's connections: add it to the URL, then ask backendCpu. */
export function tagUrl(url: string, name: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;
}

/**
 * Samples the CPU seconds of the backends whose application_name is `name` (the server must
 * be on this host) until stopped, and returns what they used meanwhile. Sampled, because the
 * pool closes idle connections and a backend's count goes with it.
 */
export async function sampleBackendCpu(
  url: string,
  name: string,
  everyMs = 200,
): Promise<() => Promise<number>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  const sample = async () => {
    const rows = await c.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [name],
    );
    for (const { pid } of rows.rows) {
      const cpu = procCpuSeconds(pid);
      if (!first.has(pid)) first.set(pid, cpu);
      last.set(pid, Math.max(cpu, last.get(pid) ?? 0));
    }
  };
  await sample();
  // New backends started after the first sample count from zero.
  const seen = new Set(first.keys());
  let running = true;
  const loop = (async () => {
    while (running) {
      await new Promise((r) => setTimeout(r, everyMs));
      await sample();
    }
  })();
  return async () => {
    running = false;
    await loop;
    await c.end();
    let total = 0;
    for (const [pid, cpu] of last) total += cpu - (seen.has(pid) ? (first.get(pid) ?? 0) : 0);
    return total;
  };
}

export function nodeCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
