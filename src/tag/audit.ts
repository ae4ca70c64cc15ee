/**
 * `tags audit`: a stratified random sample of the store's paragraph tags (the same number
 * from each tag × method, so rare strata are seen), a verdict on each in the terminal
 * (right / wrong / unsure, with an optional note), then the wrong ones written as `remove`
 * corrections and a precision report per tag and per method. Verdicts are kept in memory
 * and written in one transaction at the end: a session that ends half-way (quit, end of
 * input, Ctrl-C) writes nothing. The sample is deterministic for a seed.
 */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { Db } from '../store/db.js';
import { recordCorrection } from './correction-repository.js';

export interface AuditItem {
  gid: string;
  /** 1-based position in the speech. */
  paragraph: number;
  tag: string;
  method: string;
  confidence: number;
  terms: string[];
  heading: string | null;
  text: string;
}

export type Verdict = 'right' | 'wrong' | 'unsure';

export interface AuditVerdict {
  item: AuditItem;
  verdict: Verdict;
  note: string | null;
}

/** Up to `perStratum` tags of each tag × method, drawn by a hash of seed and paragraph. */
export async function drawSample(db: Db, perStratum: number, seed: string): Promise<AuditItem[]> {
  return db.query<AuditItem>(
    `SELECT gid, paragraph, tag, method, confidence, terms, heading, text FROM (
       SELECT t.speech_gid AS gid, p.n AS paragraph, t.tag, t.method, t.confidence::float8 AS confidence,
              COALESCE((SELECT array_agg(DISTINCT e->>'term') FROM jsonb_array_elements(t.evidence) e), '{}') AS terms,
              h.title AS heading, p.body AS text,
              row_number() OVER (PARTITION BY t.tag, t.method ORDER BY md5($2 || t.speech_gid || '/' || t.seq)) AS k
         FROM paragraph_tags t
         JOIN (SELECT speech_gid, seq, body, row_number() OVER (PARTITION BY speech_gid ORDER BY seq)::int AS n
                 FROM paragraphs) p ON p.speech_gid = t.speech_gid AND p.seq = t.seq
         JOIN speeches s ON s.gid = t.speech_gid
         LEFT JOIN headings h ON h.gid = COALESCE(s.minor_heading_gid, s.major_heading_gid)
        WHERE t.method <> 'editor') x
      WHERE k <= $1 ORDER BY tag, method, k`,
    [perStratum, seed],
  );
}

export interface AuditSession {
  input: Readable;
  output: Writable;
}

/** Asks for each verdict; null when the session ended before the last one (nothing is kept). */
export async function askVerdicts(
  items: readonly AuditItem[],
  io: AuditSession,
): Promise<AuditVerdict[] | null> {
  const rl = createInterface({ input: io.input, output: io.output, terminal: false });
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (q: string): Promise<string | null> => {
    io.output.write(q);
    const next = await lines.next();
    return next.done ? null : next.value.trim();
  };
  const out: AuditVerdict[] = [];
  try {
    for (const [i, item] of items.entries()) {
      io.output.write(
        `\n[${i + 1}/${items.length}] ${item.tag} (${item.method}, ${item.confidence.toFixed(2)}) ` +
          `${item.gid} paragraph ${item.paragraph}${item.heading ? ` — ${item.heading}` : ''}\n` +
          `evidence: ${item.terms.join(', ') || '(none)'}\n${item.text}\n`,
      );
      let verdict: Verdict | null = null;
      while (verdict === null) {
        const a = await ask('right / wrong / unsure / quit [r/w/u/q]: ');
        if (a === null || a === 'q') return null;
        verdict = a === 'r' ? 'right' : a === 'w' ? 'wrong' : a === 'u' ? 'unsure' : null;
      }
      const note = await ask('note (enter for none): ');
      if (note === null) return null;
      out.push({ item, verdict, note: note === '' ? null : note });
    }
    return out;
  } finally {
    rl.close();
  }
}

/** Writes every wrong verdict as a `remove` correction, all or nothing. */
export async function saveVerdicts(
  db: Db,
  verdicts: readonly AuditVerdict[],
  knownTags: readonly string[],
): Promise<number> {
  const wrong = verdicts.filter((v) => v.verdict === 'wrong');
  await db.transaction(async (tx) => {
    for (const v of wrong)
      await recordCorrection(tx, {
        gid: v.item.gid,
        paragraph: String(v.item.paragraph),
        changes: [{ action: 'remove', tag: v.item.tag }],
        note: v.note ?? 'audit: wrong',
        origin: 'audit',
        knownTags,
      });
  });
  return wrong.length;
}

interface Tally {
  right: number;
  wrong: number;
  unsure: number;
}

/** Precision (right / (right + wrong); unsure left out) per tag and per tag × method, as Markdown. */
export function precisionReport(verdicts: readonly AuditVerdict[]): string {
  const tally = new Map<string, Tally>();
  const add = (key: string, v: Verdict) => {
    const t = tally.get(key) ?? { right: 0, wrong: 0, unsure: 0 };
    t[v] += 1;
    tally.set(key, t);
  };
  for (const v of verdicts) {
    add(v.item.tag, v.verdict);
    add(`${v.item.tag} / ${v.item.method}`, v.verdict);
    add('all', v.verdict);
  }
  const rows = [...tally.entries()]
    .sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : a.localeCompare(b)))
    .map(([k, t]) => {
      const judged = t.right + t.wrong;
      const p = judged === 0 ? '—' : (t.right / judged).toFixed(3);
      return `| ${k} | ${t.right + t.wrong + t.unsure} | ${t.right} | ${t.wrong} | ${t.unsure} | ${p} |`;
    });
  return [
    '| stratum | sampled | right | wrong | unsure | precision |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
