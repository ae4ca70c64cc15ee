/**
 * One process per embedded store. PGlite has no locking of its own: two processes opening
 * the same data directory each run a private Postgres over the same files and corrupt
 * them. So the directory's opener holds a lock file beside it, created exclusively
 * (hard link, or O_EXCL) and holding its PID and command; a second opener fails at once, naming them.
 *
 * Hand-written rather than proper-lockfile: that library judges staleness by an mtime it
 * refreshes on a timer, and PGlite runs queries synchronously on the main thread (a GIN
 * index build or a large COPY blocks the event loop for seconds), which would make a held
 * lock look abandoned; nor does it record who holds the lock, which the message needs.
 * A lock here is stale only when its process is gone (or its PID now belongs to a process
 * that started at another time, after a reboot), which is exact on one machine.
 */
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';

export interface LockHolder {
  pid: number;
  /** The holder's command line, for the message. */
  command: string;
  hostname: string;
  acquiredAt: string;
  /** Linux: the process's start time in clock ticks since boot (/proc/<pid>/stat), to tell a reused PID. */
  startTicks?: number | undefined;
}

export class StoreLockedError extends Error {
  constructor(
    readonly lockFile: string,
    readonly holder: LockHolder,
  ) {
    super(
      `The embedded store is in use by process ${holder.pid} (${holder.command}` +
        `${holder.hostname === os.hostname() ? '' : ` on ${holder.hostname}`}, since ${holder.acquiredAt}). ` +
        `PGlite admits one process at a time: stop that process, or use the running server ` +
        `(\`hansard-watch status\` reaches it), or set DATABASE_URL to a Postgres server for many processes. ` +
        `Lock file: ${lockFile}`,
    );
    this.name = 'StoreLockedError';
  }
}

export interface StoreLock {
  readonly file: string;
  /** The stale holder this lock took over from, if any (for a log line). */
  readonly tookOverFrom: LockHolder | null;
  release(): void;
}

/** Start time of a process in clock ticks since boot, or undefined off Linux or when unreadable. */
export function processStartTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[19]);
    return Number.isFinite(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

function alive(holder: LockHolder): boolean {
  // A lock taken on another machine (a shared volume) cannot be checked from here: respected.
  if (holder.hostname !== os.hostname()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (holder.startTicks === undefined) return true;
  const now = processStartTicks(holder.pid);
  return now === undefined || now === holder.startTicks;
}

function readHolder(file: string): LockHolder | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    return typeof parsed.pid === 'number' ? (parsed as LockHolder) : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // Unreadable or half-written (a crash between create and write): no live holder to name.
    return { pid: 0, command: 'unknown (unreadable lock file)', hostname: os.hostname(), acquiredAt: '?' };
  }
}

function me(): LockHolder {
  return {
    pid: process.pid,
    command: [process.argv0, ...process.argv.slice(1)].join(' ').slice(0, 300),
    hostname: os.hostname(),
    acquiredAt: new Date().toISOString(),
    startTicks: processStartTicks(process.pid),
  };
}

/**
 * Creates the lock file with its content complete: written aside, then hard-linked into
 * place (link fails if the name exists, like O_EXCL), so no reader ever sees it half
 * written. Where the file system has no hard links, O_EXCL then write.
 */
function tryCreate(file: string, holder: LockHolder): boolean {
  const text = JSON.stringify(holder) + '\n';
  const aside = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(aside, text, { mode: 0o644 });
    try {
      linkSync(aside, file);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return false;
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw err;
    }
  } finally {
    rmSync(aside, { force: true });
  }
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o644);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** Locks held by this process, so that exit and signals release them. */
const held = new Set<string>();

function releaseFile(file: string): void {
  if (!held.delete(file)) return;
  // Only our own lock: never one a later process took over.
  if (readHolder(file)?.pid === process.pid) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone.
    }
  }
}

function releaseAll(): void {
  for (const file of [...held]) releaseFile(file);
}

let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', releaseAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      // With other listeners (start's graceful shutdown) they decide when to exit, and exit runs releaseAll.
      if (process.listenerCount(signal) > 1) return;
      releaseAll();
      process.off(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

/**
 * Takes the lock or throws StoreLockedError naming the live holder. A stale lock (its
 * process gone) is moved aside atomically and taken over; two processes racing for the
 * same stale lock cannot both win, as only one rename of it succeeds and then O_EXCL decides.
 */
export function acquireStoreLock(file: string): StoreLock {
  const mine = me();
  let tookOverFrom: LockHolder | null = null;
  for (let attempt = 0; attempt < 5; attempt++) {
    if (tryCreate(file, mine)) {
      held.add(file);
      hookExit();
      return { file, tookOverFrom, release: () => releaseFile(file) };
    }
    const holder = readHolder(file);
    if (holder === null) continue; // Released meanwhile: try again.
    if (holder.pid === process.pid && held.has(file))
      throw new StoreLockedError(file, { ...holder, command: `${holder.command}, this very process` });
    if (holder.pid !== 0 && alive(holder)) throw new StoreLockedError(file, holder);
    const aside = `${file}.stale-${process.pid}`;
    try {
      renameSync(file, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // Another process moved it first.
      throw err;
    }
    // What was moved may be a fresh lock another process took between our read and the rename.
    const moved = readHolder(aside);
    if (moved && moved.pid !== holder.pid && moved.pid !== 0 && alive(moved)) {
      renameSync(aside, file);
      throw new StoreLockedError(file, moved);
    }
    unlinkSync(aside);
    tookOverFrom = holder;
  }
  throw new Error(`Could not take the store lock ${file}: it keeps changing hands`);
}
