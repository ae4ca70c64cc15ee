/**
 * A stand-in for theyworkforyou.com/pwdata on 127.0.0.1, for feed, pipeline and fault
 * tests. It serves a directory laid out like pwdata (`scrapedxml/<type>/…`,
 * `members/people.json`) under `/pwdata/`, the way Apache serves it there: strong ETags,
 * Last-Modified, 304s, gzip on request. With `releaseOrder: 'manual'` files appear over
 * time in changedates order (across all types, by timestamp), as the real feed grows.
 * Faults (error statuses, delays, hangs, resets, cut-off bodies) are injected per path.
 * `scrapedxml/<type>/` answers with an Apache mod_autoindex page of the visible files,
 * with an ETag and Last-Modified like any other resource and a 304 to a matching
 * conditional request (Apache sends them for an index with `IndexOptions TrackModified`).
 * Files no changedates.txt lists (one wms file, all of lordswms and lordswrans) are
 * visible from the start unless `unlisted: 'hidden'`; then they appear at releaseUnlisted().
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import zlib from 'node:zlib';

export type FaultAction =
  /** Answer with this status (and Retry-After when given) instead of the file. */
  | { kind: 'status'; status: number; retryAfter?: string }
  /** Wait, then serve normally (longer than the client's timeout = a timeout). */
  | { kind: 'delay'; ms: number }
  /** Never answer; the connection stays open until the client gives up or the server closes. */
  | { kind: 'hang' }
  /** Drop the connection without any response. */
  | { kind: 'reset' }
  /**
   * Send only the first `keep` bytes (default half) of the (possibly gzipped) body.
   * `declareFullLength`: announce the full Content-Length and then close the socket early;
   * otherwise send the short body chunked, ending cleanly, so only its content betrays it.
   * A matching request answered 304 uses up the fault without cutting anything.
   */
  | { kind: 'truncate'; keep?: number; declareFullLength: boolean };

export interface FaultRule {
  /** Path below the base (e.g. `scrapedxml/debates/x.xml`): exact string or pattern. Default: every path. */
  path?: string | RegExp;
  /** Number of matching requests the fault applies to. Default: all of them. */
  times?: number;
  action: FaultAction;
}

export interface TimelineEntry {
  type: string;
  name: string;
  time: number;
  /** 0-based line in the type's changedates.txt. */
  line: number;
}

export interface RequestRecord {
  method: string;
  /** Path below the base, e.g. `scrapedxml/debates/changedates.txt`. */
  path: string;
  /** null when a fault hung up or hung. */
  status: number | null;
  fault: FaultAction['kind'] | null;
  ifNoneMatch: string | undefined;
  ifModifiedSince: string | undefined;
  acceptEncoding: string | undefined;
  userAgent: string | undefined;
  /** Date.now() at arrival. */
  at: number;
}

export interface PwdataServerOptions {
  /** Directory laid out like pwdata. */
  root: string;
  /** 'all' (default): everything visible from the start, files read live. 'manual': nothing until release(). */
  releaseOrder?: 'all' | 'manual';
  faults?: FaultRule[];
  /** Encoding used when the client accepts it. Default 'gzip'. */
  compression?: 'gzip' | 'br' | 'none';
  /** 'visible' (default): files no changedates.txt lists are there from the start. 'hidden': only after releaseUnlisted(). */
  unlisted?: 'visible' | 'hidden';
}

export interface PwdataServer {
  /** Base URL, ending in `/pwdata/`. */
  url: string;
  /** Every changedates entry across types, in release order. */
  timeline: readonly TimelineEntry[];
  /** How many timeline entries are visible. */
  released(): number;
  /** Make the next `n` (default 1) entries visible; returns them. */
  release(n?: number): TimelineEntry[];
  /** Make every entry with time ≤ `time` visible; returns the newly visible ones. */
  releaseUntil(time: number): TimelineEntry[];
  /** Files no changedates.txt lists (`type/name`), whether released or not. */
  unlisted: readonly string[];
  /** Make the unlisted files visible (those matching `filter`, default all); returns them. */
  releaseUnlisted(filter?: (path: string) => boolean): string[];
  addFault(rule: FaultRule): void;
  clearFaults(): void;
  requests: RequestRecord[];
  /** Requests for one path (exact, below the base). */
  requestsFor(path: string): RequestRecord[];
  close(): Promise<void>;
}

const BASE = '/pwdata/';
const CHANGEDATES = /^scrapedxml\/([^/]+)\/changedates\.txt$/;
// A feed folder is a type or, for nested feeds (sp-new), a type and one meeting folder.
const FILE = /^scrapedxml\/([^/]+(?:\/[^/]+)?)\/([^/]+)$/;
const INDEX = /^scrapedxml\/([^/]+(?:\/[^/]+)?)\/$/;

export async function startPwdataServer(options: PwdataServerOptions): Promise<PwdataServer> {
  const state = new ServerState(options);
  const server = http.createServer((req, res) => {
    state.handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500).end(String(error));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${BASE}`,
    timeline: state.timeline,
    released: () => state.releasedCount,
    release: (n = 1) => state.releaseTo(state.releasedCount + n),
    releaseUntil: (time) => state.releaseTo(state.timeline.filter((e) => e.time <= time).length),
    unlisted: state.unlisted,
    releaseUnlisted: (filter = () => true) => state.releaseUnlisted(filter),
    addFault: (rule) => state.faults.push({ ...rule, remaining: rule.times ?? Infinity }),
    clearFaults: () => state.faults.splice(0),
    requests: state.requests,
    requestsFor: (p) => state.requests.filter((r) => r.path === p),
    close: () => {
      state.closed = true;
      server.closeAllConnections();
      return new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}

interface ActiveFault extends FaultRule {
  remaining: number;
}

interface Representation {
  body: Buffer;
  etag: string;
  lastModified: string;
  encoding: 'gzip' | 'br' | undefined;
}

class ServerState {
  readonly timeline: TimelineEntry[];
  readonly faults: ActiveFault[];
  readonly requests: RequestRecord[] = [];
  releasedCount: number;
  closed = false;
  /** `type/name` of every .xml file no changedates.txt lists. */
  readonly unlisted: string[];
  private readonly unlistedOut = new Set<string>();
  private readonly root: string;
  private readonly rawLines = new Map<string, string[]>();

  constructor(private readonly options: PwdataServerOptions) {
    this.root = path.resolve(options.root);
    this.timeline = this.readTimeline();
    this.releasedCount = options.releaseOrder === 'manual' ? 0 : this.timeline.length;
    this.faults = (options.faults ?? []).map((rule) => ({ ...rule, remaining: rule.times ?? Infinity }));
    this.unlisted = this.findUnlisted();
  }

  releaseUnlisted(filter: (path: string) => boolean): string[] {
    const newly = this.unlisted.filter((p) => !this.unlistedOut.has(p) && filter(p));
    for (const p of newly) this.unlistedOut.add(p);
    return newly;
  }

  releaseTo(count: number): TimelineEntry[] {
    const next = Math.min(this.timeline.length, Math.max(this.releasedCount, count));
    const newly = this.timeline.slice(this.releasedCount, next);
    this.releasedCount = next;
    return newly;
  }

  async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rel = relativePath(req.url ?? '/');
    const record = this.record(req, rel ?? req.url ?? '');
    if (rel === null || (req.method !== 'GET' && req.method !== 'HEAD')) return this.finish(res, record, 404);

    const fault = this.takeFault(rel);
    record.fault = fault?.kind ?? null;
    if (fault?.kind === 'status') return this.finish(res, record, fault.status, fault.retryAfter);
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault?.kind === 'delay') await delay(fault.ms);
    if (this.closed || res.destroyed) return;

    const content = await this.content(rel);
    if (content === null) return this.finish(res, record, 404);
    const rep = this.represent(
      content,
      acceptedEncoding(req.headers['accept-encoding'], this.options.compression),
    );
    const headers: http.OutgoingHttpHeaders = {
      etag: rep.etag,
      'last-modified': rep.lastModified,
      vary: 'Accept-Encoding',
      'content-type': contentType(rel),
      ...(rep.encoding ? { 'content-encoding': rep.encoding } : {}),
    };
    if (notModified(req, rep)) {
      record.status = 304;
      return void res.writeHead(304, headers).end();
    }
    record.status = 200;
    if (fault?.kind === 'truncate') return sendTruncated(res, headers, rep.body, fault);
    res.writeHead(200, { ...headers, 'content-length': rep.body.byteLength });
    res.end(req.method === 'HEAD' ? undefined : rep.body);
  }

  private record(req: http.IncomingMessage, p: string): RequestRecord {
    const record: RequestRecord = {
      method: req.method ?? 'GET',
      path: p,
      status: null,
      fault: null,
      ifNoneMatch: req.headers['if-none-match'],
      ifModifiedSince: req.headers['if-modified-since'],
      acceptEncoding: headerString(req.headers['accept-encoding']),
      userAgent: req.headers['user-agent'],
      at: Date.now(),
    };
    this.requests.push(record);
    return record;
  }

  private finish(res: http.ServerResponse, record: RequestRecord, status: number, retryAfter?: string): void {
    record.status = status;
    res.writeHead(status, {
      'content-type': 'text/plain',
      ...(retryAfter ? { 'retry-after': retryAfter } : {}),
    });
    res.end(`${status}\n`);
  }

  private takeFault(rel: string): FaultAction | undefined {
    const rule = this.faults.find((f) => f.remaining > 0 && matches(f.path, rel));
    if (!rule) return undefined;
    rule.remaining--;
    return rule.action;
  }

  /** The bytes visible at `rel` now, with their modification time; null = 404. */
  private async content(rel: string): Promise<{ body: Buffer; mtime: Date } | null> {
    const index = INDEX.exec(rel);
    if (index?.[1] !== undefined) return this.indexPage(index[1]);
    const manual = this.options.releaseOrder === 'manual';
    const listing = CHANGEDATES.exec(rel);
    if (manual && listing?.[1] !== undefined && this.rawLines.has(listing[1]))
      return this.releasedListing(listing[1]);
    const file = FILE.exec(rel);
    if (
      file?.[1] !== undefined &&
      file[2] !== undefined &&
      file[2].endsWith('.xml') &&
      !this.isVisible(file[1], file[2])
    )
      return null;
    const full = path.join(this.root, ...rel.split('/'));
    if (!full.startsWith(this.root + path.sep)) return null;
    try {
      const info = await stat(full);
      if (!info.isFile()) return null;
      return { body: await readFile(full), mtime: info.mtime };
    } catch {
      return null;
    }
  }

  /**
   * The directory listing Apache's mod_autoindex gives for `scrapedxml/<type>/`: one row per
   * visible .xml file with its modification time (its latest released changedates time when
   * listed there) to the minute and a rounded size.
   */
  private async indexPage(type: string): Promise<{ body: Buffer; mtime: Date } | null> {
    const dir = path.join(this.root, 'scrapedxml', type);
    if (!dir.startsWith(this.root + path.sep) || !existsSync(dir)) return null;
    const released = this.timeline.slice(0, this.releasedCount).filter((e) => e.type === type);
    const rows: string[] = [];
    let newest = 0;
    // Sub-folders first, as mod_autoindex sorts them by name with the files (a nested feed has only folders).
    for (const sub of readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory())) {
      const info = await stat(path.join(dir, sub.name));
      newest = Math.max(newest, info.mtime.getTime());
      rows.push(
        `<tr><td valign="top"><img src="/icons/folder.gif" alt="[DIR]"></td><td><a href="${encodeURIComponent(sub.name)}/">${sub.name}/</a></td>` +
          `<td align="right">${apacheDate(info.mtime.getTime())}  </td><td align="right">  - </td><td>&nbsp;</td></tr>`,
      );
    }
    const names = readdirSync(dir).filter((n) => n.endsWith('.xml'));
    for (const name of names.sort()) {
      if (!this.isVisible(type, name)) continue;
      const info = await stat(path.join(dir, name));
      const listed = released.filter((e) => e.name === name).map((e) => e.time * 1000);
      const mtime = listed.length > 0 ? Math.max(...listed) : info.mtime.getTime();
      newest = Math.max(newest, mtime);
      rows.push(
        `<tr><td valign="top"><img src="/icons/text.gif" alt="[TXT]"></td><td><a href="${encodeURIComponent(name)}">${name}</a></td>` +
          `<td align="right">${apacheDate(mtime)}  </td><td align="right">${apacheSize(info.size)}</td><td>&nbsp;</td></tr>`,
      );
    }
    const title = `Index of ${BASE}scrapedxml/${type}`;
    const html = [
      '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">',
      `<html>\n <head>\n  <title>${title}</title>\n </head>\n <body>\n<h1>${title}</h1>\n  <table>`,
      '   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th><th><a href="?C=D;O=A">Description</a></th></tr>',
      '   <tr><th colspan="5"><hr></th></tr>',
      `<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="${BASE}scrapedxml/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td><td>&nbsp;</td></tr>`,
      ...rows,
      '   <tr><th colspan="5"><hr></th></tr>\n</table>\n</body></html>\n',
    ].join('\n');
    return { body: Buffer.from(html, 'utf8'), mtime: new Date(newest) };
  }

  /** A file is visible once any of its changedates lines is; files no changedates lists once released (see `unlisted`). */
  private isVisible(type: string, name: string): boolean {
    const listed = this.timeline.some((e) => e.type === type && e.name === name);
    if (!listed) return this.options.unlisted !== 'hidden' || this.unlistedOut.has(`${type}/${name}`);
    return this.timeline.slice(0, this.releasedCount).some((e) => e.type === type && e.name === name);
  }

  private findUnlisted(): string[] {
    const scraped = path.join(this.root, 'scrapedxml');
    const types = existsSync(scraped)
      ? readdirSync(scraped, { withFileTypes: true })
          .filter((d) => d.isDirectory())
          .map((d) => d.name)
          .sort()
      : [];
    const folders = types.flatMap((type) => [
      type,
      ...readdirSync(path.join(scraped, type), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${type}/${e.name}`)
        .sort(),
    ]);
    return folders.flatMap((type) =>
      readdirSync(path.join(scraped, ...type.split('/')))
        .filter((name) => name.endsWith('.xml'))
        .filter((name) => !this.timeline.some((e) => e.type === type && e.name === name))
        .sort()
        .map((name) => `${type}/${name}`),
    );
  }

  /** changedates.txt as it stood: released lines, plus blank/odd lines before the last of them. */
  private releasedListing(type: string): { body: Buffer; mtime: Date } {
    const released = this.timeline.slice(0, this.releasedCount).filter((e) => e.type === type);
    const releasedLines = new Set(released.map((e) => e.line));
    const entryLines = new Set(this.timeline.filter((e) => e.type === type).map((e) => e.line));
    const last = Math.max(-1, ...releasedLines);
    const lines = (this.rawLines.get(type) ?? []).filter(
      (_, i) => releasedLines.has(i) || (!entryLines.has(i) && i < last),
    );
    const newest = Math.max(0, ...released.map((e) => e.time));
    return { body: Buffer.from(lines.join(''), 'utf8'), mtime: new Date(newest * 1000) };
  }

  private represent(
    content: { body: Buffer; mtime: Date },
    encoding: 'gzip' | 'br' | undefined,
  ): Representation {
    const hash = createHash('sha256').update(content.body).digest('hex').slice(0, 32);
    const body =
      encoding === 'gzip'
        ? zlib.gzipSync(content.body)
        : encoding === 'br'
          ? zlib.brotliCompressSync(content.body)
          : content.body;
    // Each encoding is a different representation, so a strong ETag must differ (as Apache's "-gzip").
    const etag = encoding ? `"${hash}-${encoding}"` : `"${hash}"`;
    return { body, etag, lastModified: content.mtime.toUTCString(), encoding };
  }

  private readTimeline(): TimelineEntry[] {
    const scraped = path.join(this.root, 'scrapedxml');
    const entries: TimelineEntry[] = [];
    const types = existsSync(scraped) ? readdirSync(scraped).sort() : [];
    for (const type of types) {
      const file = path.join(scraped, type, 'changedates.txt');
      if (!existsSync(file)) continue;
      const lines = readFileSync(file, 'utf8').split(/(?<=\n)/);
      this.rawLines.set(type, lines);
      lines.forEach((raw, line) => {
        const m = /^(\d+),([^\s,]+)\s*$/.exec(raw);
        if (m?.[1] !== undefined && m[2] !== undefined)
          entries.push({ type, name: m[2], time: Number(m[1]), line });
      });
    }
    return entries.sort((a, b) => a.time - b.time || a.type.localeCompare(b.type) || a.line - b.line);
  }
}

function relativePath(url: string): string | null {
  const pathname = new URL(url, 'http://x').pathname;
  if (!pathname.startsWith(BASE)) return null;
  const rel = decodeURIComponent(pathname.slice(BASE.length));
  // A trailing slash (a directory index) is the only empty segment allowed.
  const segments = rel.split('/');
  if (segments.at(-1) === '' && segments.length > 1) segments.pop();
  return segments.some((s) => s === '..' || s === '') ? null : rel;
}

/** Apache's autoindex date column: `2009-10-26 17:59`, UTC here. */
function apacheDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/** Apache's rounded size column: bytes below 1K, then K/M with one decimal under 10. */
function apacheSize(bytes: number): string {
  if (bytes < 1024) return String(bytes);
  const [value, unit] = bytes < 1024 * 1024 ? [bytes / 1024, 'K'] : [bytes / 1024 / 1024, 'M'];
  return value < 10 ? `${value.toFixed(1)}${unit}` : `${Math.round(value)}${unit}`;
}

function matches(pattern: string | RegExp | undefined, rel: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? pattern === rel : pattern.test(rel);
}

function headerString(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function acceptedEncoding(
  header: string | string[] | undefined,
  compression: PwdataServerOptions['compression'] = 'gzip',
): 'gzip' | 'br' | undefined {
  if (compression === 'none') return undefined;
  const accepted = (headerString(header) ?? '')
    .split(',')
    .map((part) => part.trim().split(';'))
    .filter(([, q]) => !/^\s*q=0(\.0*)?\s*$/.test(q ?? ''))
    .map(([name]) => name?.trim().toLowerCase());
  return accepted.includes(compression) ? compression : undefined;
}

/** RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only otherwise. */
function notModified(req: http.IncomingMessage, rep: Representation): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    const ours = opaque(rep.etag);
    return inm.split(',').some((tag) => opaque(tag) === ours);
  }
  const ims = req.headers['if-modified-since'];
  if (ims === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && Date.parse(rep.lastModified) <= since;
}

/** Weak comparison, as If-None-Match uses: ignore W/ and quotes. */
function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

function sendTruncated(
  res: http.ServerResponse,
  headers: http.OutgoingHttpHeaders,
  body: Buffer,
  fault: Extract<FaultAction, { kind: 'truncate' }>,
): void {
  const part = body.subarray(0, Math.min(body.byteLength - 1, fault.keep ?? Math.floor(body.byteLength / 2)));
  if (!fault.declareFullLength) return void res.writeHead(200, headers).end(part);
  res.writeHead(200, { ...headers, 'content-length': body.byteLength });
  res.write(part, () => res.destroy());
}

function contentType(rel: string): string {
  if (rel.endsWith('/')) return 'text/html;charset=UTF-8';
  if (rel.endsWith('.xml')) return 'text/xml';
  if (rel.endsWith('.json')) return 'application/json';
  return 'text/plain';
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
