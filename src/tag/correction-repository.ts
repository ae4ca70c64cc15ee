/**
 * Store side of editors' corrections (tag_corrections, migration 025). `correct` records a
 * verdict and rewrites the speech's stored tags in the same transaction, so search, MP
 * records, exports and alerts see it at once; tagging a day applies the day's corrections
 * before its tags are written (tag-service.ts), so they survive re-ingest and re-tagging.
 */
import { sha1 } from './data.js';
import { applyCorrections, speechKey, type Correction, type CorrectionAction } from './corrections.js';
import type { Queryable } from '../store/db.js';
import type { EvidenceTerm, ParagraphTag, SpeechTagging, TagMethod } from './types.js';

/** A correction that names something the store does not have: nothing was changed. */
export class CorrectionError extends Error {
  override name = 'CorrectionError';
}

export type CorrectionOrigin = 'cli' | 'api' | 'audit';

export interface CorrectionRequest {
  gid: string;
  /** The paragraph's position in the speech (1-based, as shown) or its pid. */
  paragraph: string;
  changes: { action: CorrectionAction; tag: string }[];
  note: string | null;
  origin: CorrectionOrigin;
  /** The tagger's tags: any other tag is refused. */
  knownTags: readonly string[];
}

export interface StoredCorrection {
  id: number;
  gid: string;
  /** The paragraph's 1-based position in the speech while its text is unchanged in the store; else null. */
  paragraph: number | null;
  textSha1: string;
  tag: string;
  action: CorrectionAction;
  note: string | null;
  origin: CorrectionOrigin;
  createdAt: string;
  text: string;
}

interface ParagraphRow {
  seq: number;
  pid: string | null;
  body: string;
}

/** Records the changes and rewrites the speech's tags; all or nothing (run it inside a transaction). */
export async function recordCorrection(tx: Queryable, req: CorrectionRequest): Promise<StoredCorrection[]> {
  if (req.changes.length === 0) throw new CorrectionError('no tag to add or remove');
  const unknown = req.changes.filter((c) => !req.knownTags.includes(c.tag)).map((c) => c.tag);
  if (unknown.length > 0)
    throw new CorrectionError(`unknown tag ${unknown.join(', ')}; known: ${req.knownTags.join(', ')}`);
  const paragraphs = await tx.query<ParagraphRow>(
    'SELECT seq, pid, body FROM paragraphs WHERE speech_gid = $1 ORDER BY seq',
    [req.gid],
  );
  if (paragraphs.length === 0) throw new CorrectionError(`unknown speech gid ${req.gid}`);
  const target = findParagraph(paragraphs, req.paragraph);
  if (target === undefined)
    throw new CorrectionError(
      `speech ${req.gid} has no paragraph ${req.paragraph} (it has ${paragraphs.length}: give 1–${paragraphs.length} or a pid)`,
    );
  const hash = sha1(target.body);
  const out: StoredCorrection[] = [];
  for (const c of req.changes) {
    const [row] = await tx.query<DbCorrection>(
      `INSERT INTO tag_corrections (speech_gid, speech_key, text_sha1, tag, action, note, body, origin)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (speech_key, text_sha1, tag) DO UPDATE
         SET speech_gid = EXCLUDED.speech_gid, action = EXCLUDED.action, note = EXCLUDED.note,
             origin = EXCLUDED.origin, created_at = now()
       RETURNING ${CORRECTION_COLUMNS}`,
      [req.gid, speechKey(req.gid), hash, c.tag, c.action, req.note, target.body, req.origin],
    );
    out.push(toStored(row!, paragraphs.indexOf(target) + 1));
  }
  await rewriteSpeechTags(tx, req.gid, paragraphs);
  // An added tag alerts its subscribers once: the alert dispatcher matches the day again on its
  // next pass (as for a day tagged late), and matching records a delivery once per speech and
  // subscription. A removed tag is gone from speech_tags, so it can never match.
  if (req.changes.some((c) => c.action === 'add'))
    await tx.query(
      `INSERT INTO alert_rematch (group_key) SELECT group_key FROM speeches WHERE gid = $1
       ON CONFLICT (group_key) DO UPDATE SET queued_at = now()`,
      [req.gid],
    );
  return out;
}

/** 1-based position among the speech's paragraphs, or a pid. */
function findParagraph(paragraphs: ParagraphRow[], ref: string): ParagraphRow | undefined {
  if (/^\d+$/.test(ref)) return paragraphs[Number(ref) - 1];
  return paragraphs.find((p) => p.pid === ref);
}

/** The corrections of the given speeches (under any version of their gid), by gid. */
export async function correctionsFor(
  tx: Queryable,
  gids: readonly string[],
): Promise<Map<string, Correction[]>> {
  const byKey = new Map<string, string[]>();
  for (const gid of gids) byKey.set(speechKey(gid), [...(byKey.get(speechKey(gid)) ?? []), gid]);
  const rows =
    gids.length === 0
      ? []
      : await tx.query<{ speech_key: string; text_sha1: string; tag: string; action: CorrectionAction }>(
          'SELECT speech_key, text_sha1, tag, action FROM tag_corrections WHERE speech_key = ANY($1) ORDER BY id',
          [[...byKey.keys()]],
        );
  const out = new Map<string, Correction[]>();
  for (const r of rows)
    for (const gid of byKey.get(r.speech_key) ?? []) {
      const list = out.get(gid) ?? [];
      list.push({ speechGid: gid, textSha1: r.text_sha1, tag: r.tag, action: r.action });
      out.set(gid, list);
    }
  return out;
}

interface StoredTagRow {
  seq: number;
  tag: string;
  confidence: number;
  method: TagMethod;
  evidence: EvidenceTerm[];
  model_version: string;
}

/** Re-applies every correction of one speech to its stored tags and writes them back. */
async function rewriteSpeechTags(tx: Queryable, gid: string, paragraphs: ParagraphRow[]): Promise<void> {
  const stored = await tx.query<StoredTagRow>(
    'SELECT seq, tag, confidence, method, evidence, model_version FROM paragraph_tags WHERE speech_gid = $1',
    [gid],
  );
  const modelVersion = stored[0]?.model_version ?? 'editor';
  const tagging: SpeechTagging = {
    paragraphs: paragraphs.map((p) => ({
      pid: p.pid,
      seq: p.seq,
      tags: stored.filter((t) => t.seq === p.seq).map(storedToTag),
    })),
    speech: [],
  };
  const texts = new Map(paragraphs.map((p) => [p.seq, p.body] as const));
  const corrected = applyCorrections(tagging, texts, (await correctionsFor(tx, [gid])).get(gid) ?? []);
  await tx.query('DELETE FROM paragraph_tags WHERE speech_gid = $1', [gid]);
  await tx.query('DELETE FROM speech_tags WHERE speech_gid = $1', [gid]);
  for (const p of corrected.paragraphs)
    for (const t of p.tags)
      await tx.query(
        `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [gid, p.seq, t.tag, t.confidence, t.method, JSON.stringify(t.evidence), modelVersion],
      );
  for (const t of corrected.speech)
    await tx.query(
      `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [gid, t.tag, t.confidence, t.method, JSON.stringify(t.paragraphs), modelVersion],
    );
}

function storedToTag(t: StoredTagRow): ParagraphTag {
  return {
    tag: t.tag,
    confidence: t.confidence,
    method: t.method,
    keywordConfidence: null,
    classifierConfidence: null,
    evidence: t.evidence,
  };
}

const CORRECTION_COLUMNS = `id::int AS id, speech_gid, text_sha1, tag, action, note, origin, body,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS created_at`;

interface DbCorrection {
  id: number;
  speech_gid: string;
  text_sha1: string;
  tag: string;
  action: CorrectionAction;
  note: string | null;
  origin: CorrectionOrigin;
  body: string;
  created_at: string;
}

function toStored(r: DbCorrection, paragraph: number | null): StoredCorrection {
  return {
    id: r.id,
    gid: r.speech_gid,
    paragraph,
    textSha1: r.text_sha1,
    tag: r.tag,
    action: r.action,
    note: r.note,
    origin: r.origin,
    createdAt: r.created_at,
    text: r.body,
  };
}

/** Every correction, oldest first, with the paragraph's current seq where its text is unchanged. */
export async function listCorrections(db: Queryable): Promise<StoredCorrection[]> {
  const rows = await db.query<DbCorrection>(`SELECT ${CORRECTION_COLUMNS} FROM tag_corrections ORDER BY id`);
  const gids = [...new Set(rows.map((r) => r.speech_gid))];
  // A correction made on an earlier version of the day's file is listed against the gid it was made on.
  const paragraphs =
    gids.length === 0
      ? []
      : await db.query<{ speech_gid: string; n: number; body: string }>(
          `SELECT speech_gid, body, row_number() OVER (PARTITION BY speech_gid ORDER BY seq)::int AS n
             FROM paragraphs WHERE speech_gid = ANY($1)`,
          [gids],
        );
  const position = new Map(paragraphs.map((p) => [`${p.speech_gid}|${sha1(p.body)}`, p.n] as const));
  return rows.map((r) => toStored(r, position.get(`${r.speech_gid}|${r.text_sha1}`) ?? null));
}

/**
 * Corrected paragraphs as labelled training examples (`tags train --corrections`): the text
 * as corrected, labelled with the tags it carries after its corrections (the editor's verdicts
 * plus the stored tags the editor left alone). A paragraph whose text has since left the store
 * keeps only the tags an editor added.
 */
export async function correctionExamples(
  db: Queryable,
): Promise<{ id: string; text: string; labels: string[] }[]> {
  const rows = await db.query<{
    speech_key: string;
    text_sha1: string;
    tag: string;
    action: CorrectionAction;
    body: string;
    id: number;
  }>('SELECT id::int AS id, speech_key, text_sha1, tag, action, body FROM tag_corrections ORDER BY id');
  const stored = await db.query<{ speech_gid: string; body: string; tag: string }>(
    `SELECT p.speech_gid, p.body, t.tag FROM tag_corrections c
       JOIN paragraph_tags t ON t.speech_gid = c.speech_gid
       JOIN paragraphs p ON p.speech_gid = t.speech_gid AND p.seq = t.seq`,
  );
  const byParagraph = new Map<string, { id: number; text: string; add: Set<string>; remove: Set<string> }>();
  for (const r of rows) {
    const key = `${r.speech_key}|${r.text_sha1}`;
    const entry = byParagraph.get(key) ?? {
      id: r.id,
      text: r.body,
      add: new Set<string>(),
      remove: new Set<string>(),
    };
    (r.action === 'add' ? entry.add : entry.remove).add(r.tag);
    byParagraph.set(key, entry);
  }
  for (const s of stored) {
    const entry = byParagraph.get(`${speechKey(s.speech_gid)}|${sha1(s.body)}`);
    if (entry !== undefined && !entry.remove.has(s.tag)) entry.add.add(s.tag);
  }
  return [...byParagraph.values()].map((e) => ({
    id: `editor:${e.id}`,
    text: e.text,
    labels: [...e.add].sort(),
  }));
}
