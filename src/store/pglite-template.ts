import {
  closeSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  openSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { brotliCompressSync, constants as zlib, createBrotliDecompress } from 'node:zlib';
import { projectRoot } from '../paths.js';

/**
 * A new embedded store is made by unpacking a data directory that PGlite's initdb produced
 * once, instead of running initdb on the user's machine. PGlite's initdb runs a second
 * Postgres and the initdb WASM module beside the first, and peaked at about 770 MB RSS: more
 * than all of the README's first ingest after it. Unpacking needs a few tens of MB and no
 * PGlite at all. The template is exactly initdb's output for one PGlite version (a data
 * directory only opens with the Postgres build that made it), so it is named after that
 * version; with none for the installed one, the store is made with initdb as before.
 * Migrations run afterwards as on any store, on Postgres too: the template holds no schema.
 */

/** initdb's `--set` options for the template and for a store made without one. */
export const PGLITE_INITDB_SETTINGS: readonly string[] = ['shared_buffers=48MB'];

const pgliteRequire = createRequire(import.meta.url);

/** The installed PGlite's version: its package.json is not exported, so found beside its entry point. */
export function pgliteVersion(): string {
  let dir = path.dirname(pgliteRequire.resolve('@electric-sql/pglite'));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('Cannot find the version of @electric-sql/pglite');
    dir = up;
  }
}

export const templateDir = path.join(projectRoot, 'src', 'store', 'pglite-template');

export function templateFile(version: string = pgliteVersion()): string {
  return path.join(templateDir, `pglite-${version}.tar.br`);
}

const BLOCK = 512;

/**
 * Unpacks the template for the installed PGlite into `dataDir`. False when there is none.
 * Streamed, a chunk at a time: the whole tar (40 MB) in memory stayed in RSS until a
 * garbage collection, and raised the README's first ingest's peak by as much.
 * PG_VERSION is written last: a directory left half-unpacked by a crash has none, so the
 * next start unpacks again over it instead of opening it.
 */
export async function unpackTemplate(dataDir: string, file: string = templateFile()): Promise<boolean> {
  if (!existsSync(file)) return false;
  const root = path.resolve(dataDir);
  let pending = Buffer.alloc(0);
  let fd: number | null = null;
  let left = 0; // bytes of the current file still to write
  let skip = 0; // padding after it
  // PG_VERSION, kept back to be written last.
  const pgVersion: { file?: string; parts: Buffer[]; mode: number } = { parts: [], mode: 0o600 };
  let inPgVersion = false;
  let ended = false;
  const header = (h: Buffer) => {
    const field = (from: number, len: number) =>
      h
        .subarray(from, from + len)
        .toString('latin1')
        .replace(/\0.*$/s, '');
    const name = `${field(345, 155)}${field(0, 100)}`;
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const mode = parseInt(field(100, 8).trim() || '0', 8) & 0o777;
    const type = field(156, 1) || '0';
    const target = path.join(root, path.normalize(`/${name}`));
    if (!target.startsWith(root)) throw new Error(`Bad path in ${file}: ${name}`);
    inPgVersion = type === '0' && target === path.join(root, 'PG_VERSION');
    if (type === '5') mkdirSync(target, { recursive: true, mode });
    else if (type !== '0') throw new Error(`Unexpected entry type ${type} in ${file}: ${name}`);
    else if (inPgVersion) Object.assign(pgVersion, { file: target, mode });
    else {
      mkdirSync(path.dirname(target), { recursive: true });
      fd = openSync(target, 'w', mode);
    }
    left = type === '0' ? size : 0;
    skip = (BLOCK - (left % BLOCK)) % BLOCK;
    if (left === 0) close();
  };
  const close = () => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  try {
    for await (const chunk of createReadStream(file).pipe(
      createBrotliDecompress(),
    ) as AsyncIterable<Buffer>) {
      let at = 0;
      while (at < chunk.length && !ended) {
        if (left > 0) {
          const body = chunk.subarray(at, at + left);
          if (fd !== null) writeSync(fd, body);
          else if (inPgVersion) pgVersion.parts.push(Buffer.from(body));
          left -= body.length;
          at += body.length;
          if (left === 0) close();
        } else if (skip > 0) {
          const n = Math.min(skip, chunk.length - at);
          skip -= n;
          at += n;
        } else {
          const n = Math.min(BLOCK - pending.length, chunk.length - at);
          pending = Buffer.concat([pending, chunk.subarray(at, at + n)]);
          at += n;
          if (pending.length === BLOCK) {
            const h = pending;
            pending = Buffer.alloc(0);
            if (h.every((b) => b === 0)) ended = true;
            else header(h);
          }
        }
      }
    }
  } finally {
    close();
  }
  if (!ended || left > 0 || !pgVersion.file) throw new Error(`Incomplete template ${file}`);
  writeFileSync(pgVersion.file, Buffer.concat(pgVersion.parts), { mode: pgVersion.mode });
  return true;
}

/**
 * Makes the template for the installed PGlite: initdb into a temporary directory, closed
 * cleanly (so a new store opens without recovery), packed as tar and compressed with brotli
 * (1.3 MB; 4.5 MB with gzip). Run after upgrading PGlite: `npm run pglite:template`.
 */
export async function buildTemplate(file: string = templateFile()): Promise<string> {
  const { PGlite } = await import('@electric-sql/pglite');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'hw-pglite-template-'));
  try {
    const db = await PGlite.create(tmp, {
      initDbStartParams: PGLITE_INITDB_SETTINGS.flatMap((s) => ['--set', s]),
    });
    await db.close();
    const tar = packDir(tmp);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      brotliCompressSync(tar, {
        params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_LGWIN]: 24 },
      }),
    );
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A ustar archive of a directory's files and folders (no owners or times: nothing reads them). */
function packDir(root: string): Buffer {
  const parts: Buffer[] = [];
  const header = (name: string, mode: number, size: number, type: '0' | '5') => {
    if (Buffer.byteLength(name) > 100) throw new Error(`Path too long for the template: ${name}`);
    const h = Buffer.alloc(BLOCK);
    h.write(name, 0, 'latin1');
    h.write(`${(mode & 0o777).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
    h.write('0000000\0', 108, 'latin1');
    h.write('0000000\0', 116, 'latin1');
    h.write(`${size.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
    h.write('00000000000\0', 136, 'latin1');
    h.write(type, 156, 'latin1');
    h.write('ustar\0' + '00', 257, 'latin1');
    h.fill(' ', 148, 156);
    const sum = h.reduce((a, b) => a + b, 0);
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    return h;
  };
  const walk = (rel: string) => {
    for (const name of readdirSync(path.join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = statSync(path.join(root, r));
      if (st.isDirectory()) {
        parts.push(header(`${r}/`, st.mode, 0, '5'));
        walk(r);
      } else {
        const body = readFileSync(path.join(root, r));
        parts.push(
          header(r, st.mode, body.length, '0'),
          body,
          Buffer.alloc((BLOCK - (body.length % BLOCK)) % BLOCK),
        );
      }
    }
  };
  walk('');
  parts.push(Buffer.alloc(2 * BLOCK));
  return Buffer.concat(parts);
}
