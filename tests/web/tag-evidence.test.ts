/**
 * The evidence component's pure parts (where the words are, the excerpt around them), the
 * phrase-aware highlighting, the two-way pager, and the evidence in /api/v1/speeches/{gid}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { headline, queryTerms } from '../../src/search/headline.js';
import { MARK_END, MARK_START } from '../../src/search/highlight.js';
import type { Db } from '../../src/store/db.js';
import type { TagEvidence } from '../../src/tag/evidence-repository.js';
import { pageLinks } from '../../src/web/pages/pager.js';
import { evidenceRanges, markedExcerpt, tagEvidenceItem } from '../../src/web/pages/tag-evidence.js';
import { corpusAvailable } from '../support/corpus.js';
import { webServer, webStore } from './api-fixture.js';

const hit = (term: string, start: number | null = null, end: number | null = null) => ({
  term,
  start,
  end,
  ref: null,
  weight: null,
});

describe('evidence ranges', () => {
  it('uses stored offsets that still point at the term, and finds the term where they do not', () => {
    const text = 'The franchise was let. Another franchise followed.';
    expect(evidenceRanges(text, [hit('franchise', 4, 13)])).toEqual([[4, 13]]);
    // Offsets that no longer match the text: every occurrence, case-insensitively.
    expect(evidenceRanges(text, [hit('Franchise', 0, 3)])).toEqual([
      [4, 13],
      [31, 40],
    ]);
  });

  it('merges overlapping terms and ignores terms not in the text', () => {
    expect(
      evidenceRanges('private contractors', [hit('private contractors'), hit('contractors'), hit('absent')]),
    ).toEqual([[0, 19]]);
  });
});

describe('marked excerpt', () => {
  it('cuts a long paragraph around the first evidence word and escapes the text', () => {
    const text = `${'word '.repeat(100)}<b> outsourcing ${'tail '.repeat(200)}`;
    const out = markedExcerpt(text, evidenceRanges(text, [hit('outsourcing')])).value;
    expect(out).toContain('<mark>outsourcing</mark>');
    expect(out).toContain('&lt;b&gt;');
    expect(out.startsWith('… ')).toBe(true);
    expect(out.endsWith(' …')).toBe(true);
    expect(out.length).toBeLessThan(700);
  });

  it('shows why: the rule matches, the classifier features and the source', () => {
    const e: TagEvidence = {
      tag: 'outsourcing',
      confidence: 0.91,
      method: 'combined',
      source: 'classifier',
      paragraph: { seq: 2, pid: null, text: 'The franchise went to a private operator.' },
      rules: [{ term: 'franchise', start: 4, end: 13, ref: 'outsourcing.franchise', weight: 0.7 }],
      features: [{ term: 'operator', start: 32, end: 40, ref: 'oper', weight: 1.25 }],
    };
    const out = tagEvidenceItem(e, [{ id: 'outsourcing', label: 'Outsourcing' }]).value;
    expect(out).toContain('<mark>franchise</mark>');
    expect(out).toContain('<mark>operator</mark>');
    expect(out).toContain('evidence from paragraph 3');
    expect(out).toContain('<summary>Why this tag?</summary>');
    expect(out).toContain('pattern outsourcing.franchise, weight 0.70');
    expect(out).toContain('feature oper, +1.25 log-odds');
    expect(out).toMatch(/Given by classifier,\s+confidence\s+0\.91/);
  });
});

describe('phrase highlighting', () => {
  const marks = (s: string) =>
    [...s.matchAll(new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, 'g'))].map((m) => m[1]);

  it('marks a phrase only where its words stand together, and single words anywhere', () => {
    const terms = queryTerms("'royal' <-> 'mail' & 'post'");
    const out = headline('The royal family sent mail about the Royal Mail and the post office.', terms);
    expect(marks(out)).toEqual(['Royal', 'Mail', 'post']);
  });

  it('counts a stop word inside a phrase as a position', () => {
    const terms = queryTerms("'secretari' <2> 'state'");
    expect(marks(headline('The Secretary of State said the state secretary', terms))).toEqual([
      'Secretary',
      'State',
    ]);
  });
});

describe('pager', () => {
  it('links back through the cursors its URL carries', () => {
    const first = pageLinks('/tags/stp', { house: 'house-of-commons' }, {}, 'c2');
    expect(first).toEqual({ number: 1, newer: null, older: '/tags/stp?house=house-of-commons&cursor=c2' });
    const third = pageLinks('/tags/stp', {}, { cursor: 'c3', back: ['c2'] }, 'c4');
    expect(third.number).toBe(3);
    expect(third.newer).toBe('/tags/stp?cursor=c2');
    expect(third.older).toBe('/tags/stp?cursor=c4&back=c2%2Cc3');
    expect(pageLinks('/tags/stp', {}, { cursor: 'c2', back: [] }, null)).toEqual({
      number: 2,
      newer: '/tags/stp',
      older: null,
    });
  });
});

describe.skipIf(!corpusAvailable())('evidence in /api/v1/speeches/{gid}', () => {
  let db: Db;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await webStore('postgres');
    app = await webServer(db);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('gives each tag its strongest paragraph (not the first) and the words to highlight', async () => {
    const [row] = await db.query<{ gid: string; seq: number; term: string }>(
      `SELECT gid, seq, term FROM (
         SELECT DISTINCT ON (pt.speech_gid) pt.speech_gid AS gid, pt.seq, pt.evidence->0->>'term' AS term
           FROM paragraph_tags pt WHERE pt.tag = 'outsourcing' ORDER BY pt.speech_gid, pt.confidence DESC, pt.seq) best
        WHERE seq > 0 ORDER BY gid LIMIT 1`,
    );
    expect(row).toBeDefined();
    const res = await app.inject({ method: 'GET', url: `/api/v1/speeches/${row!.gid}` });
    expect(res.statusCode).toBe(200);
    const evidence = (
      res.json() as {
        evidence: {
          tag: string;
          paragraph: { seq: number };
          highlights: { text: string }[];
          source: string;
        }[];
      }
    ).evidence;
    const outsourcing = evidence.find((e) => e.tag === 'outsourcing');
    expect(outsourcing?.paragraph.seq).toBe(row!.seq);
    expect(outsourcing?.source).toBe('rule');
    expect(outsourcing?.highlights.map((h) => h.text.toLowerCase())).toContain(row!.term.toLowerCase());
  });
});
