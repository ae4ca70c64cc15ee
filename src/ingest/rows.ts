import { hash } from 'node:crypto';
import { sha256Hex } from '../store/checksum.js';
import { CopyText } from '../store/copy-text.js';
import { escapeParagraphHtml } from '../debate/inline-html.js';
import type { ParseLimits } from '../debate/limits.js';
import { parseFeedFile } from '../debate/parse.js';
import type { FeedFileName, ParseIssue, ParsedDocument, ParsedSpeech } from '../debate/types.js';
import { isTranslationLanguage, type FeedType } from '../parliament/index.js';
import { addTranslations } from './translation-rows.js';
import { feedHouse } from '../member/feed-house.js';
import { officeConflict } from '../member/office.js';
import type { ResolvedSpeaker } from '../member/types.js';
import { searchVector, type SearchVectorSettings } from './search-vector.js';

/** Anything that can put a person behind a speaker reference on a date (MemberResolver does). */
export interface SpeakerResolver {
  resolve(
    ref: { speakerId?: string | null; personId?: string | null; house?: string | null },
    date: string,
  ): ResolvedSpeaker | null;
}

/**
 * Each table the ingest writes, with its columns (in COPY order) and Postgres types.
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
    time: 'time',
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
    time: 'time',
    colnum: 'text',
    url: 'text',
    oldstyle_id: 'text',
    major_heading_gid: 'text',
    minor_heading_gid: 'text',
    content_hash: 'text',
    person_name: 'text',
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
    time: 'time',
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
    membership_id: 'text',
    person_name: 'text',
    party: 'text',
    constituency: 'text',
    house: 'text',
  },
  speech_translations: {
    speech_gid: 'text',
    lang: 'text',
    gid: 'text',
    group_key: 'text',
    sitting_date: 'date',
    seq: 'int4',
    original: 'bool',
    html: 'text',
    body: 'text',
  },
  gid_redirects: { old_gid: 'text', new_gid: 'text', match_type: 'text', file_name: 'text' },
  paragraph_search: { speech_gid: 'text', seq: 'int4', sitting_date: 'date', tsv: 'tsvector' },
} as const;

export type TableName = keyof typeof TABLES;
/** The tables a day's content is written to, parents before children. */
export const CONTENT_TABLES = [
  'headings',
  'speeches',
  'paragraphs',
  'divisions',
  'votes',
  'speech_translations',
] as const;
export type ContentTable = (typeof CONTENT_TABLES)[number];

/** One table's rows of a file, as COPY text encoded in the parse worker. */
export interface CopyPayload<T extends TableName = ContentTable> {
  table: T;
  columns: string[];
  rows: number;
  data: Uint8Array;
}

export interface PreparedFile {
  file: FeedFileName;
  checksum: string;
  bytes: number;
  latest: boolean | null;
  /** Content rows, in CONTENT_TABLES order; their buffers cross threads by transfer, not copy. */
  content: CopyPayload[];
  /** What telling changed speeches from unchanged ones needs, without decoding the payloads. */
  speeches: { gid: string[]; contentHash: string[] };
  /** The file's `<gidredirect>`s: the only rows an older version of a day still writes. */
  redirects: CopyPayload<'gid_redirects'>;
  /**
   * Search vectors of the paragraphs whose lexemes are certain (search-vector.ts), written
   * with the content; `searchComplete` when that is every paragraph, so the day needs no
   * indexer. Empty when vectors were not asked for.
   */
  search: CopyPayload<'paragraph_search'>;
  searchComplete: boolean;
  issues: ParseIssue[];
  speechCount: number;
  paragraphCount: number;
}

/** Stable across releases: stored hashes of a day are compared with a revision's. */
function contentHash(s: ParsedSpeech): string {
  let text = `${s.speakerId ?? ''}\u0000${s.personId ?? ''}\u0000${s.speakerName ?? ''}`;
  for (const p of s.paragraphs) text += `\u0000${p.html}`;
  return hash('sha1', text);
}

/** Each content table's COPY rows, in the column order of TABLES. */
class ContentRows {
  readonly tables = Object.fromEntries(
    CONTENT_TABLES.map((t) => [t, new CopyText(Object.keys(TABLES[t]).length)]),
  ) as Record<ContentTable, CopyText>;

  payloads(): CopyPayload[] {
    return CONTENT_TABLES.map((table) => ({
      table,
      columns: Object.keys(TABLES[table]),
      rows: this.tables[table].rows,
      data: this.tables[table].encode(),
    }));
  }
}

/**
 * Turns a parsed file into table rows, resolving each speaker to the person and the
 * membership valid on the sitting date. Pure, so it can run in a parse worker. Rows are
 * written straight into COPY text: building per-row objects cost more than parsing.
 */
export function prepareRows(
  doc: ParsedDocument,
  resolver: SpeakerResolver | null,
  meta: { checksum: string; bytes: number; search?: SearchVectorSettings | null | undefined },
): PreparedFile {
  const { file } = doc;
  const out = new ContentRows();
  const search = new CopyText(Object.keys(TABLES.paragraph_search).length);
  let searchComplete = meta.search != null;
  const issues = [...doc.warnings];
  const redirects = new CopyText(Object.keys(TABLES.gid_redirects).length);
  if (isTranslationLanguage(file.type, file.language)) {
    const tables = { speech_translations: out.tables.speech_translations, gid_redirects: redirects };
    const translated = addTranslations(doc, tables, issues);
    return prepared(
      doc,
      out,
      redirects,
      issues,
      meta,
      {
        speeches: { gid: [], contentHash: [] },
        speechCount: translated,
        paragraphCount: 0,
      },
      { search, complete: searchComplete },
    );
  }
  const day = [file.groupKey, file.type, file.date] as const;
  for (const h of doc.headings) {
    out.tables.headings.add([h.gid, ...day, h.seq, h.kind, h.title, h.parentGid, h.colnum, h.time, h.url]);
  }
  const speeches = { gid: [] as string[], contentHash: [] as string[] };
  let paragraphCount = 0;
  const house = feedHouse(file.type);
  for (const s of doc.speeches) {
    const who = resolveSpeaker(s, file, house, resolver, issues);
    const digest = contentHash(s);
    speeches.gid.push(s.gid);
    speeches.contentHash.push(digest);
    // prettier-ignore
    out.tables.speeches.add([
      s.gid, ...day, s.seq, s.kind, s.speakerId, who?.personId ?? s.personId, who?.membershipId ?? null,
      s.speakerName ?? who?.name ?? null, who?.party ?? null, who?.constituency ?? null, who?.house ?? null,
      s.nospeaker, s.time, s.colnum, s.url, s.oldstyleId, s.majorHeadingGid, s.minorHeadingGid, digest,
      who?.name ?? null,
    ]);
    for (const p of s.paragraphs) {
      // Markup-free HTML is the escaped text: stored once, rebuilt by paragraph_html() (migration 008).
      const html = p.html === escapeParagraphHtml(p.text) ? null : p.html;
      out.tables.paragraphs.add([s.gid, p.seq, p.pid, p.cls, html, p.text]);
      const tsv = meta.search ? searchVector(p.text, meta.search) : null;
      if (tsv !== null) search.add([s.gid, p.seq, file.date, tsv]);
      else searchComplete = false;
    }
    paragraphCount += s.paragraphs.length;
  }
  for (const d of doc.divisions) {
    // prettier-ignore
    out.tables.divisions.add([
      d.gid, ...day, d.seq, d.number, d.colnum, d.time, d.url, d.majorHeadingGid, d.minorHeadingGid,
      JSON.stringify(d.counts),
    ]);
    d.votes.forEach((v, seq) => {
      // A division list's `id`/`memberid` is a membership id, as a speech's `speakerid` is.
      const ref = { speakerId: v.memberId, personId: v.personId, house };
      const who = resolver && (v.memberId || v.personId) ? resolver.resolve(ref, d.date ?? file.date) : null;
      // prettier-ignore
      out.tables.votes.add([
        d.gid, seq, v.memberId, who?.personId ?? v.personId, v.name, v.vote,
        who?.membershipId ?? null, who?.name ?? null, who?.party ?? null, who?.constituency ?? null, who?.house ?? null,
      ]);
    });
  }
  for (const r of doc.redirects) redirects.add([r.oldGid, r.newGid, r.matchType, file.name]);
  return prepared(
    doc,
    out,
    redirects,
    issues,
    meta,
    {
      speeches,
      speechCount: doc.speeches.length,
      paragraphCount,
    },
    { search, complete: searchComplete },
  );
}

function prepared(
  doc: ParsedDocument,
  out: ContentRows,
  redirects: CopyText,
  issues: ParseIssue[],
  meta: { checksum: string; bytes: number },
  counts: Pick<PreparedFile, 'speeches' | 'speechCount' | 'paragraphCount'>,
  vectors: { search: CopyText; complete: boolean },
): PreparedFile {
  const { search } = vectors;
  return {
    file: doc.file,
    checksum: meta.checksum,
    bytes: meta.bytes,
    latest: doc.latest,
    content: out.payloads(),
    redirects: {
      table: 'gid_redirects',
      columns: Object.keys(TABLES.gid_redirects),
      rows: redirects.rows,
      data: redirects.encode(),
    },
    search: {
      table: 'paragraph_search',
      columns: Object.keys(TABLES.paragraph_search),
      rows: search.rows,
      data: search.encode(),
    },
    searchComplete: vectors.complete,
    issues,
    ...counts,
  };
}

function resolveSpeaker(
  s: ParsedSpeech,
  file: FeedFileName,
  house: string | null,
  resolver: SpeakerResolver | null,
  issues: ParseIssue[],
): ResolvedSpeaker | null {
  if (!resolver || (!s.speakerId && !s.personId)) return null;
  const who = resolver.resolve({ speakerId: s.speakerId, personId: s.personId, house }, file.date);
  const conflict = who ? officeConflict(s.speakerName, who.partyId) : null;
  if (conflict) {
    // The id names someone who cannot hold the printed office: unattributed, not misattributed.
    issues.push({
      severity: 'warning',
      file: file.name,
      field: 'speech@speakername',
      message: `${s.gid}: ${conflict} (${s.speakerId ?? s.personId})`,
    });
    return null;
  }
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
  checksum: string = sha256Hex(bytes),
  limits?: Readonly<ParseLimits>,
  search?: SearchVectorSettings | null,
): PreparedFile {
  const doc = parseFeedFile(bytes, name, type, limits);
  return prepareRows(doc, resolver, { checksum, bytes: bytes.length, search });
}
