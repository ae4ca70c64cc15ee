import { createHash } from 'node:crypto';
import { parseFeedFile } from '../debate/parse.js';
import type { FeedFileName, FeedType, ParseIssue, ParsedDocument, ParsedSpeech } from '../debate/types.js';
import type { ResolvedSpeaker } from '../member/types.js';

/** Anything that can put a person behind a speaker reference on a date (MemberResolver does). */
export interface SpeakerResolver {
  resolve(ref: { speakerId?: string | null; personId?: string | null }, date: string): ResolvedSpeaker | null;
}

/**
 * Each table the ingest writes, with its columns and Postgres array types. Rows travel as
 * columns (one array per column) because that is what `INSERT … SELECT FROM unnest(…)`
 * takes in a single round trip, and because flat arrays cross worker threads cheaply.
 */
export const TABLES = {
  headings: {
    gid: 'text',
    group_key: 'text',
    type: 'text',
    sitting_date: 'date',
    seq: 'int4',
    kind: 'text',
    title: 'text',
    parent_gid: 'text',
    colnum: 'text',
    time: 'text',
    url: 'text',
  },
  speeches: {
    gid: 'text',
    group_key: 'text',
    type: 'text',
    sitting_date: 'date',
    seq: 'int4',
    kind: 'text',
    speaker_id: 'text',
    person_id: 'text',
    membership_id: 'text',
    speaker_name: 'text',
    party: 'text',
    constituency: 'text',
    house: 'text',
    nospeaker: 'bool',
    time: 'text',
    colnum: 'text',
    url: 'text',
    oldstyle_id: 'text',
    major_heading_gid: 'text',
    minor_heading_gid: 'text',
    content_hash: 'text',
  },
  paragraphs: { speech_gid: 'text', seq: 'int4', pid: 'text', cls: 'text', html: 'text', body: 'text' },
  divisions: {
    gid: 'text',
    group_key: 'text',
    type: 'text',
    sitting_date: 'date',
    seq: 'int4',
    number: 'text',
    colnum: 'text',
    time: 'text',
    url: 'text',
    major_heading_gid: 'text',
    minor_heading_gid: 'text',
    counts: 'jsonb',
  },
  votes: {
    division_gid: 'text',
    seq: 'int4',
    member_id: 'text',
    person_id: 'text',
    name: 'text',
    vote: 'text',
  },
  gid_redirects: { old_gid: 'text', new_gid: 'text', match_type: 'text', file_name: 'text' },
} as const;

export type TableName = keyof typeof TABLES;
export type Columns<T extends TableName> = { [C in keyof (typeof TABLES)[T]]: unknown[] };

export interface PreparedFile {
  file: FeedFileName;
  checksum: string;
  bytes: number;
  latest: boolean | null;
  rows: { [T in TableName]: Columns<T> };
  issues: ParseIssue[];
  speechCount: number;
  paragraphCount: number;
}

function emptyColumns<T extends TableName>(table: T): Columns<T> {
  return Object.fromEntries(Object.keys(TABLES[table]).map((c) => [c, []])) as unknown as Columns<T>;
}

function push<T extends TableName>(cols: Columns<T>, row: { [C in keyof Columns<T>]: unknown }): void {
  for (const key of Object.keys(cols) as (keyof Columns<T>)[]) cols[key].push(row[key]);
}

export function checksumOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function contentHash(s: ParsedSpeech): string {
  const h = createHash('sha1');
  h.update(`${s.speakerId ?? ''}\u0000${s.personId ?? ''}\u0000${s.speakerName ?? ''}`);
  for (const p of s.paragraphs) h.update(`\u0000${p.html}`);
  return h.digest('hex');
}

/**
 * Turns a parsed file into table rows, resolving each speaker to the person and the
 * membership valid on the sitting date. Pure, so it can run in a parse worker.
 */
export function prepareRows(
  doc: ParsedDocument,
  resolver: SpeakerResolver | null,
  meta: { checksum: string; bytes: number },
): PreparedFile {
  const { file } = doc;
  const rows = {
    headings: emptyColumns('headings'),
    speeches: emptyColumns('speeches'),
    paragraphs: emptyColumns('paragraphs'),
    divisions: emptyColumns('divisions'),
    votes: emptyColumns('votes'),
    gid_redirects: emptyColumns('gid_redirects'),
  };
  const issues = [...doc.warnings];
  const base = { group_key: file.groupKey, type: file.type, sitting_date: file.date };
  for (const h of doc.headings) {
    push(rows.headings, {
      ...base,
      gid: h.gid,
      seq: h.seq,
      kind: h.kind,
      title: h.title,
      parent_gid: h.parentGid,
      colnum: h.colnum,
      time: h.time,
      url: h.url,
    });
  }
  let paragraphCount = 0;
  for (const s of doc.speeches) {
    const who = resolveSpeaker(s, file, resolver, issues);
    push(rows.speeches, {
      ...base,
      gid: s.gid,
      seq: s.seq,
      kind: s.kind,
      speaker_id: s.speakerId,
      person_id: who?.personId ?? s.personId,
      membership_id: who?.membershipId ?? null,
      speaker_name: s.speakerName ?? who?.name ?? null,
      party: who?.party ?? null,
      constituency: who?.constituency ?? null,
      house: who?.house ?? null,
      nospeaker: s.nospeaker,
      time: s.time,
      colnum: s.colnum,
      url: s.url,
      oldstyle_id: s.oldstyleId,
      major_heading_gid: s.majorHeadingGid,
      minor_heading_gid: s.minorHeadingGid,
      content_hash: contentHash(s),
    });
    for (const p of s.paragraphs) {
      push(rows.paragraphs, {
        speech_gid: s.gid,
        seq: p.seq,
        pid: p.pid,
        cls: p.cls,
        html: p.html,
        body: p.text,
      });
    }
    paragraphCount += s.paragraphs.length;
  }
  for (const d of doc.divisions) {
    push(rows.divisions, {
      ...base,
      gid: d.gid,
      seq: d.seq,
      number: d.number,
      colnum: d.colnum,
      time: d.time,
      url: d.url,
      major_heading_gid: d.majorHeadingGid,
      minor_heading_gid: d.minorHeadingGid,
      counts: JSON.stringify(d.counts),
    });
    d.votes.forEach((v, seq) => {
      const who = v.memberId || v.personId ? resolver?.resolve(v, d.date ?? file.date) : null;
      push(rows.votes, {
        division_gid: d.gid,
        seq,
        member_id: v.memberId,
        person_id: who?.personId ?? v.personId,
        name: v.name,
        vote: v.vote,
      });
    });
  }
  for (const r of doc.redirects) {
    push(rows.gid_redirects, {
      old_gid: r.oldGid,
      new_gid: r.newGid,
      match_type: r.matchType,
      file_name: file.name,
    });
  }
  return {
    file,
    checksum: meta.checksum,
    bytes: meta.bytes,
    latest: doc.latest,
    rows,
    issues,
    speechCount: doc.speeches.length,
    paragraphCount,
  };
}

function resolveSpeaker(
  s: ParsedSpeech,
  file: FeedFileName,
  resolver: SpeakerResolver | null,
  issues: ParseIssue[],
): ResolvedSpeaker | null {
  if (!resolver || (!s.speakerId && !s.personId)) return null;
  const who = resolver.resolve({ speakerId: s.speakerId, personId: s.personId }, file.date);
  if (!who) {
    issues.push({
      severity: 'warning',
      file: file.name,
      field: s.speakerId ? 'speech@speakerid' : 'speech@person_id',
      message: `unknown speaker ${s.speakerId ?? s.personId} (${s.speakerName ?? 'no name'}) in ${s.gid}`,
    });
  }
  return who;
}

/** Parse, resolve and turn into rows: the whole CPU-bound part of ingesting one file. */
export function prepareFile(
  bytes: Uint8Array,
  name: string,
  type: FeedType | undefined,
  resolver: SpeakerResolver | null,
  checksum: string = checksumOf(bytes),
): PreparedFile {
  const doc = parseFeedFile(bytes, name, type);
  return prepareRows(doc, resolver, { checksum, bytes: bytes.length });
}
