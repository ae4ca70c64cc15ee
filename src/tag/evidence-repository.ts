/**
 * Why a speech carries a tag, read back from what the tagger stored: the speech tag, its
 * strongest paragraph (the evidence, which is often not the first), and the rule matches
 * and classifier features recorded on that paragraph (paragraph_tags.evidence).
 */
import type { Queryable } from '../store/db.js';

/** Who gave the tag: the rules alone, the classifier (alone or with rules), or an editor. */
export type TagSource = 'rule' | 'classifier' | 'editor';

/** One stored evidence term. Offsets are null where the store has none (older rows). */
export interface EvidenceHit {
  term: string;
  start: number | null;
  end: number | null;
  /** Taxonomy pattern id (rules) or the stemmed model feature (classifier). */
  ref: string | null;
  /** Pattern weight, or the feature's contribution to the log-odds. */
  weight: number | null;
}

export interface TagEvidence {
  tag: string;
  confidence: number;
  method: string;
  source: TagSource;
  /** The evidence paragraph (its text capped at EVIDENCE_TEXT_CHARS), or null for an editor's tag without one. */
  paragraph: { seq: number; pid: string | null; text: string } | null;
  rules: EvidenceHit[];
  features: EvidenceHit[];
}

/** Characters of an evidence paragraph read; evidence past this is listed but not highlighted. */
export const EVIDENCE_TEXT_CHARS = 20_000;

export function tagSource(method: string): TagSource {
  if (method === 'keyword') return 'rule';
  if (method === 'editor') return 'editor';
  return 'classifier';
}

interface EvidenceRow {
  speech_gid: string;
  tag: string;
  confidence: number;
  method: string;
  seq: number | null;
  pid: string | null;
  body: string | null;
  evidence: unknown;
}

export class TagEvidenceRepository {
  constructor(private readonly db: Queryable) {}

  /** Evidence for every tag (at `minConfidence`) of each speech, strongest tag first. */
  async forSpeeches(gids: readonly string[], minConfidence: number): Promise<Map<string, TagEvidence[]>> {
    const out = new Map<string, TagEvidence[]>();
    if (gids.length === 0) return out;
    const rows = await this.db.query<EvidenceRow>(
      `SELECT t.speech_gid, t.tag, round(t.confidence::numeric, 3)::float8 AS confidence, t.method,
              e.seq, e.pid, e.body, e.evidence
         FROM speech_tags t
         LEFT JOIN LATERAL (
           SELECT pt.seq, p.pid, left(p.body, $3) AS body, pt.evidence
             FROM paragraph_tags pt JOIN paragraphs p ON p.speech_gid = pt.speech_gid AND p.seq = pt.seq
            WHERE pt.speech_gid = t.speech_gid AND pt.tag = t.tag
            ORDER BY pt.confidence DESC, pt.seq LIMIT 1) e ON true
        WHERE t.speech_gid = ANY($1::text[]) AND t.confidence >= $2::real
        ORDER BY t.speech_gid, t.confidence DESC, t.tag`,
      [gids, minConfidence, EVIDENCE_TEXT_CHARS],
    );
    for (const r of rows) {
      const list = out.get(r.speech_gid) ?? [];
      list.push(toEvidence(r));
      out.set(r.speech_gid, list);
    }
    return out;
  }
}

function toEvidence(r: EvidenceRow): TagEvidence {
  const hits = Array.isArray(r.evidence) ? r.evidence.map(toHit).filter((h) => h !== null) : [];
  return {
    tag: r.tag,
    confidence: r.confidence,
    method: r.method,
    source: tagSource(r.method),
    paragraph: r.seq === null || r.body === null ? null : { seq: r.seq, pid: r.pid, text: r.body },
    rules: hits.filter((h) => h.source !== 'classifier').map(({ source: _s, ...h }) => h),
    features: hits.filter((h) => h.source === 'classifier').map(({ source: _s, ...h }) => h),
  };
}

/** A stored evidence term, tolerating missing fields: the JSON is written by several taggers over time. */
function toHit(raw: unknown): (EvidenceHit & { source: string }) | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (typeof o.term !== 'string' || o.term === '') return null;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    term: o.term,
    start: num(o.start),
    end: num(o.end),
    ref: typeof o.ref === 'string' ? o.ref : null,
    weight: num(o.weight),
    source: typeof o.source === 'string' ? o.source : 'keyword',
  };
}
