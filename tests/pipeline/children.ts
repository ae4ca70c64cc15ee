/**
 * Child processes for the pipeline tests: the real worker entry point and the CLI, run
 * from source with tsx, their structured logs collected from stderr; and a private
 * redis-server that a test may kill and restart without touching the shared one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { parseLogLines, sleep, waitFor, type LogRecord } from './harness.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Child {
  proc: ChildProcess;
  records: LogRecord[];
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): void;
}

/** Runs `node --import tsx <script> …args` in the repo with exactly `env` (plus PATH/HOME). */
export function runTs(script: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  const records: LogRecord[] = [];
  proc.stdout?.on('data', (b: Buffer) => (out += b.toString('utf8')));
  proc.stderr?.on('data', (b: Buffer) => {
    const text = partial + b.toString('utf8');
    const cut = text.lastIndexOf('\n');
    partial = text.slice(cut + 1);
    err += text.slice(0, cut + 1);
    records.push(...parseLogLines(text.slice(0, cut + 1)));
    if (process.env.HW_TEST_LOG === '1') process.stderr.write(text.slice(0, cut + 1));
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    proc,
    records,
    stdout: () => out,
    stderr: () => err + partial,
    exited,
    kill: (signal = 'SIGTERM') => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
    },
  };
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A throwaway redis-server on `port`, without persistence: a restart comes back empty. */
export async function startRedis(port: number): Promise<ChildProcess> {
  const proc = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitFor(
    `redis-server on ${port}`,
    async () => {
      const client = new Redis({
        port,
        host: '127.0.0.1',
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      client.on('error', () => undefined); // not up yet: connect() rejects, which is what we check
      try {
        await client.connect();
        return (await client.ping()) === 'PONG';
      } finally {
        client.disconnect();
      }
    },
    10_000,
    100,
  );
  return proc;
}

export async function stopProcess(proc: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill(signal);
  await Promise.race([exited, sleep(10_000)]);
}
