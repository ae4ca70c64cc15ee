/**
 * What an alert shows around its match (issue #20): the paragraphs before and after it,
 * the question a written or oral answer answers (or the answer a written question got),
 * and for tag alerts the paragraph the tag was given on, with its evidence words. Read
 * when the match is logged and frozen in the item with it, like the excerpt: the mail
 * then says what the record said when it matched, whatever later versions change.
 * One query per batch for neighbours and questions, one for tag evidence.
 */
import { truncateWords } from '../search/highlight.js';
import type { Queryable } from '../store/db.js';
import type { AlertContext, ContextSpeech, TagEvidence } from './types.js';

export interface ContextRequest {
  gid: string;
  /** The matched (or quoted) paragraph. */
  seq: number;
  /** Tags the subscription asked for that the speech carries: their evidence is shown. */
  tags: readonly string[];
}

/** Characters of a neighbouring paragraph or a question kept: enough to follow, short on a phone. */
export const CONTEXT_CHARS = 420;
/** An evidence paragraph is shown whole up to this, then cut around its first evidence word. */
const EVIDENCE_CHARS = 600;

interface NeighbourRow {
  i: number;
  kind: string;
  before_in: string | null;
  after_in: string | null;
  prev_gid: string | null;
  prev_who: string | null;
  prev_body: string | null;
  next_gid: string | null;
  next_who: string | null;
  next_body: string | null;
  q_gid: string | null;
  q_who: string | null;
  q_body: string | null;
  q_kind: string | null;
}

interface EvidenceRow {
  i: number;
  tag: string;
  seq: number;
  confidence: number;
  method: string;
  body: string;
  evidence: unknown;
}

interface Term {
  term: string;
  start: number;
  end: number;
  source: string;
}

/** Evidence as the tagger stores it; anything else (older rows, hand edits) counts as none. */
function termsOf(evidence: unknown): Term[] {
  if (!Array.isArray(evidence)) return [];
  return evidence.filter(
    (t): t is Term =>
      typeof t === 'object' &&
      t !== null &&
      typeof (t as Term).term === 'string' &&
      Number.isInteger((t as Term).start) &&
      Number.isInteger((t as Term).end) &&
      typeof (t as Term).source === 'string',
  );
}

/**
 * The speech next to this one in its debate (same day, same headings): where the context
 * comes from when the match is the speech's first or last paragraph.
 */
const ADJACENT = (dir: '<' | '>') => `LEFT JOIN LATERAL (
    SELECT s2.gid, COALESCE(s2.person_name, s2.speaker_name) AS who,
           (SELECT p.body FROM paragraphs p WHERE p.speech_gid = s2.gid ORDER BY p.seq ${dir === '<' ? 'DESC' : 'ASC'} LIMIT 1) AS body
      FROM speeches s2
     WHERE s2.group_key = s.group_key AND s2.seq ${dir} s.seq
       AND s2.major_heading_gid IS NOT DISTINCT FROM s.major_heading_gid
       AND s2.minor_heading_gid IS NOT DISTINCT FROM s.minor_heading_gid
     ORDER BY s2.seq ${dir === '<' ? 'DESC' : 'ASC'} LIMIT 1) ${dir === '<' ? 'pb' : 'nb'} ON true`;

export class AlertContextSource {
  constructor(private readonly db: Queryable) {}

  /** Context per request, in request order (null where the speech is gone). */
  async contexts(requests: readonly ContextRequest[]): Promise<(AlertContext | null)[]> {
    if (requests.length === 0) return [];
    const out: (AlertContext | null)[] = requests.map(() => null);
    for (const r of await this.neighbours(requests)) out[r.i] = contextOf(r);
    for (const e of await this.evidence(requests)) {
      const ctx = out[e.i];
      if (ctx) ctx.tagEvidence.push(evidenceOf(e));
    }
    return out;
  }

  /**
   * Neighbouring paragraphs, and the question or answer: a written answer ('reply') gets
   * the nearest question ('ques') before it under the same heading, a written question
   * the nearest answer after it; a speech after the day's "Oral Answers to Questions"
   * heading gets the speech before it by someone else in the same debate, which in
   * question time is the question (or supplementary) it answers.
   */
  private async neighbours(requests: readonly ContextRequest[]): Promise<NeighbourRow[]> {
    return this.db.query<NeighbourRow>(
      `SELECT x.i::int AS i, s.kind,
              (SELECT p.body FROM paragraphs p WHERE p.speech_gid = x.gid AND p.seq = x.seq - 1) AS before_in,
              (SELECT p.body FROM paragraphs p WHERE p.speech_gid = x.gid AND p.seq = x.seq + 1) AS after_in,
              pb.gid AS prev_gid, pb.who AS prev_who, pb.body AS prev_body,
              nb.gid AS next_gid, nb.who AS next_who, nb.body AS next_body,
              q.gid AS q_gid, q.who AS q_who, q.body AS q_body, q.kind AS q_kind
         FROM unnest($1::text[], $2::int[], $3::int[]) AS x(gid, seq, i)
         JOIN speeches s ON s.gid = x.gid
         ${ADJACENT('<')}
         ${ADJACENT('>')}
         LEFT JOIN LATERAL (
           SELECT s2.gid, COALESCE(s2.person_name, s2.speaker_name) AS who, s2.kind,
                  (SELECT string_agg(p.body, E'\\n' ORDER BY p.seq) FROM paragraphs p WHERE p.speech_gid = s2.gid) AS body
             FROM speeches s2
            WHERE s2.group_key = s.group_key
              AND s2.minor_heading_gid IS NOT DISTINCT FROM s.minor_heading_gid
              AND s2.major_heading_gid IS NOT DISTINCT FROM s.major_heading_gid
              AND ((s.kind = 'reply' AND s2.kind = 'ques' AND s2.seq < s.seq)
                OR (s.kind = 'ques' AND s2.kind = 'reply' AND s2.seq > s.seq)
                OR (s.kind = 'speech' AND s2.kind = 'speech' AND s2.seq < s.seq AND NOT s2.nospeaker
                    AND s2.person_id IS DISTINCT FROM s.person_id
                    AND EXISTS (SELECT 1 FROM headings h WHERE h.group_key = s.group_key AND h.kind = 'oral' AND h.seq < s.seq)))
            ORDER BY CASE WHEN s2.seq < s.seq THEN -s2.seq ELSE s2.seq END LIMIT 1) q ON true`,
      [requests.map((r) => r.gid), requests.map((r) => r.seq), requests.map((_, i) => i)],
    );
  }

  /** For each wanted tag the speech carries, its strongest paragraph with the evidence terms. */
  private async evidence(requests: readonly ContextRequest[]): Promise<EvidenceRow[]> {
    const flat = requests.flatMap((r, i) => r.tags.map((tag) => ({ i, gid: r.gid, tag })));
    if (flat.length === 0) return [];
    return this.db.query<EvidenceRow>(
      `SELECT x.i::int AS i, x.tag, t.seq, t.confidence::float8 AS confidence, t.method, p.body, t.evidence
         FROM unnest($1::text[], $2::text[], $3::int[]) AS x(gid, tag, i)
         JOIN LATERAL (SELECT * FROM paragraph_tags pt WHERE pt.speech_gid = x.gid AND pt.tag = x.tag
                        ORDER BY pt.confidence DESC, pt.seq LIMIT 1) t ON true
         JOIN paragraphs p ON p.speech_gid = t.speech_gid AND p.seq = t.seq
        ORDER BY x.i, t.confidence DESC`,
      [flat.map((f) => f.gid), flat.map((f) => f.tag), flat.map((f) => f.i)],
    );
  }
}

function speechOf(gid: string | null, who: string | null, body: string | null): ContextSpeech | null {
  if (!gid || body === null || body.trim() === '') return null;
  return { gid, speaker: who, text: truncateWords(body, CONTEXT_CHARS) };
}

function contextOf(r: NeighbourRow): AlertContext {
  const before = r.before_in
    ? { gid: null, speaker: null, text: truncateWords(r.before_in, CONTEXT_CHARS) }
    : speechOf(r.prev_gid, r.prev_who, r.prev_body);
  const after = r.after_in
    ? { gid: null, speaker: null, text: truncateWords(r.after_in, CONTEXT_CHARS) }
    : speechOf(r.next_gid, r.next_who, r.next_body);
  const related = speechOf(r.q_gid, r.q_who, r.q_body);
  const question = related && r.kind !== 'ques' ? related : null;
  const answer = related && r.kind === 'ques' ? related : null;
  return {
    kind:
      r.kind === 'reply'
        ? 'written-answer'
        : r.kind === 'ques'
          ? 'written-question'
          : question
            ? 'oral-answer'
            : 'speech',
    // The question already quotes the speech before; not twice.
    before: question && before?.gid === question.gid ? null : before,
    after: answer && after?.gid === answer.gid ? null : after,
    question,
    answer,
    tagEvidence: [],
  };
}

/** Plain text with the evidence words between the \u0001/\u0002 markers excerpts use. */
export function markEvidence(body: string, spans: readonly { start: number; end: number }[]): string {
  const sorted = [...spans]
    .filter((s) => s.start >= 0 && s.end <= body.length && s.start < s.end)
    .sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const s of sorted) {
    if (s.start < at) continue; // overlapping spans: the first wins
    out += `${body.slice(at, s.start)}\u0001${body.slice(s.start, s.end)}\u0002`;
    at = s.end;
  }
  return out + body.slice(at);
}

/** Cuts a long evidence paragraph to a window that starts near its first evidence word. */
function windowed(body: string, spans: readonly { start: number }[]): { text: string; offset: number } {
  if (body.length <= EVIDENCE_CHARS) return { text: body, offset: 0 };
  const first = Math.min(...spans.map((s) => s.start), body.length);
  let start = Math.max(0, first - 150);
  if (start > 0) start = body.indexOf(' ', start) + 1 || start;
  const end = Math.min(body.length, start + EVIDENCE_CHARS);
  return {
    text: `${start > 0 ? '…' : ''}${body.slice(start, end)}${end < body.length ? '…' : ''}`,
    offset: start - (start > 0 ? 1 : 0),
  };
}

function evidenceOf(e: EvidenceRow): TagEvidence {
  const terms = termsOf(e.evidence);
  const { text, offset } = windowed(e.body, terms);
  const spans = terms.map((t) => ({ start: t.start - offset, end: t.end - offset }));
  const rules = [...new Set(terms.filter((t) => t.source === 'keyword').map((t) => t.term))];
  const model = [...new Set(terms.filter((t) => t.source === 'classifier').map((t) => t.term))];
  return {
    tag: e.tag,
    confidence: Math.round(Number(e.confidence) * 1000) / 1000,
    method: e.method,
    paragraphSeq: e.seq,
    paragraph: markEvidence(text, spans),
    rules,
    classifierTerms: model,
    why: whyTagged(e.method, rules, model),
  };
}

/** One sentence a reader can check against the highlighted words. */
export function whyTagged(method: string, rules: readonly string[], model: readonly string[]): string {
  const quote = (ws: readonly string[]) =>
    ws
      .slice(0, 5)
      .map((w) => `“${w}”`)
      .join(', ');
  if (method === 'editor') return 'An editor added this tag.';
  const parts: string[] = [];
  if (rules.length) parts.push(`the taxonomy's rules match ${quote(rules)}`);
  if (model.length) parts.push(`the classifier weighed ${quote(model)}`);
  if (parts.length === 0)
    return method === 'classifier'
      ? "The classifier judged the paragraph's words as a whole."
      : 'Tagged by rule.';
  const s = parts.join('; ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
}
