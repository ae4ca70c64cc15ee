import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseFeedFile } from '../../src/debate/parse.js';
import type { FeedType } from '../../src/parliament/index.js';
import type { ParsedDocument } from '../../src/debate/types.js';
import { corpusAvailable, corpusDir, devSetPath, EXPECTED_SPEECHES } from '../support/corpus.js';

interface CorpusFile {
  /** Relative to scrapedxml/, as dev-2009.jsonl names files. */
  rel: string;
  type: FeedType;
  raw: string;
  doc: ParsedDocument;
}

interface DevRow {
  id: string;
  file: string;
  gid: string;
  pid: string | null;
  text: string;
}

/** Feeds whose `<p>` carry a pid; there a paragraph with no pid is a speech-level table. */
const PID_FEEDS = new Set<FeedType>([
  'debates',
  'westminhall',
  'lordspages',
  'wms',
  'lordswms',
  'wrans',
  'lordswrans',
]);

/**
 * The labelled set holds ElementTree's text, where committee files' `&#146;` etc. are C1
 * controls; the parser reads them as HTML5 does. These five are all the week uses.
 */
const CP1252: Record<string, string> = {
  '\u0091': '\u2018',
  '\u0092': '\u2019',
  '\u0093': '\u201c',
  '\u0094': '\u201d',
  '\u0097': '\u2014',
};

function html5Reading(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => {
    const mapped = CP1252[c];
    if (mapped === undefined) throw new Error(`unexpected C1 character U+00${c.charCodeAt(0).toString(16)}`);
    return mapped;
  });
}

describe.skipIf(!corpusAvailable())('the TheyWorkForYou week (2009-10)', () => {
  const files: CorpusFile[] = [];
  const latest = (): CorpusFile[] => files.filter((f) => f.doc.latest !== false);

  beforeAll(() => {
    const root = path.join(corpusDir, 'scrapedxml');
    for (const dir of readdirSync(root).sort()) {
      for (const name of readdirSync(path.join(root, dir)).sort()) {
        if (!name.endsWith('.xml')) continue;
        const bytes = readFileSync(path.join(root, dir, name));
        const rel = `${dir}/${name}`;
        const doc = parseFeedFile(bytes, rel);
        files.push({ rel, type: dir as FeedType, raw: bytes.toString('latin1'), doc });
      }
    }
  });

  it('parses all 59 files without errors or warnings, typed by their folder', () => {
    expect(files).toHaveLength(59);
    for (const f of files) {
      expect(f.doc.warnings, f.rel).toEqual([]);
      expect(f.doc.file.type, f.rel).toBe(f.type);
    }
    expect(latest()).toHaveLength(42);
  });

  it('finds every speech-like element of the latest versions', () => {
    const perType: Record<string, number> = {};
    for (const f of latest()) perType[f.type] = (perType[f.type] ?? 0) + f.doc.speeches.length;
    expect(perType).toEqual(EXPECTED_SPEECHES);
    expect(Object.values(perType).reduce((a, b) => a + b, 0)).toBe(7942);
  });

  it('finds 19,318 <p> paragraphs, plus 396 tables that sit directly in speeches', () => {
    const paragraphs = latest().flatMap((f) =>
      f.doc.speeches.flatMap((s) => s.paragraphs.map((p) => ({ f, p }))),
    );
    const speechTables = paragraphs.filter(({ f, p }) => PID_FEEDS.has(f.type) && p.pid === null);
    expect(speechTables).toHaveLength(396);
    for (const { p } of speechTables) expect(p.html).toMatch(/^<table>.*<\/table>$/s);
    expect(paragraphs.length - speechTables.length).toBe(19_318);
  });

  it('reproduces the text of all 557 labelled paragraphs exactly (C1 references read as browsers do)', () => {
    const rows = readFileSync(devSetPath, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as DevRow)
      .map((row) => ({ ...row, text: html5Reading(row.text) }));
    expect(rows).toHaveLength(557);
    const byFile = new Map(files.map((f) => [f.rel, f.doc]));
    const missing = rows.filter((row) => {
      const speech = byFile.get(row.file)?.speeches.find((s) => s.gid === row.gid);
      return !speech?.paragraphs.some((p) =>
        row.pid === null ? p.text === row.text : p.pid === row.pid && p.text === row.text,
      );
    });
    expect(missing.map((r) => r.id)).toEqual([]);
  });

  it('keeps written answers’ tables of figures in the HTML', () => {
    const doc = files.find((f) => f.rel === 'wrans/answers2009-10-29a.xml')?.doc;
    const reply = doc?.speeches.find((s) => s.gid === 'uk.org.publicwhip/wrans/2009-10-29a.292659.r0');
    const table = reply?.paragraphs.find((p) => p.html.startsWith('<table>'));
    expect(table?.html).toContain('<td>2004-05</td> <td>2,551</td>');
    expect(table?.html).toContain('<i> \u00a3000</i>');
    expect(table?.text).toContain('2008-09 3,814');
    const figures = latest()
      .filter((f) => f.type === 'wrans')
      .flatMap((f) => f.doc.speeches.flatMap((s) => s.paragraphs))
      .filter((p) => /<table>.*<td[^>]*>[\d,.]+<\/td>/s.test(p.html));
    expect(figures.length).toBeGreaterThan(300);
    expect(figures.some((p) => p.html.includes('colspan="'))).toBe(true);
  });

  it('parses divisions with their votes', () => {
    const divisions = latest().flatMap((f) => f.doc.divisions.map((d) => ({ type: f.type, d })));
    const perType = (pick: (d: (typeof divisions)[number]['d']) => number): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const { type, d } of divisions) out[type] = (out[type] ?? 0) + pick(d);
      return out;
    };
    expect(perType(() => 1)).toEqual({ debates: 4, lordspages: 6, sp: 5, standing: 12 });
    expect(perType((d) => d.votes.length)).toEqual({
      debates: 1918,
      lordspages: 1238,
      sp: 585,
      standing: 179,
    });
    for (const { type, d } of divisions) {
      const tally = (vote: string): number => d.votes.filter((v) => v.vote === vote).length;
      if (type === 'debates') {
        expect([tally('aye'), tally('no'), tally('tellaye'), tally('tellno')]).toEqual([
          d.counts.ayes,
          d.counts.noes,
          d.counts.tellerayes,
          d.counts.tellernoes,
        ]);
      }
      if (type === 'lordspages') {
        expect(tally('content') + tally('tellcontent')).toBe(d.counts.content);
        expect(tally('not-content') + tally('tellnot-content')).toBe(d.counts['not-content']);
      }
      if (type === 'standing') expect([tally('aye'), tally('no')]).toEqual([d.counts.ayes, d.counts.noes]);
      for (const v of d.votes) expect(v.memberId ?? '').toMatch(/^uk\.org\.publicwhip\/(member|lord)\/\d+$/);
    }
  });

  it('collects every redirect of the superseded (latest="no") versions', () => {
    const superseded = files.filter((f) => f.doc.latest === false);
    expect(superseded).toHaveLength(17);
    let total = 0;
    for (const f of superseded) {
      const { date, version } = f.doc.file;
      expect(f.doc.redirects.length, f.rel).toBe(f.raw.match(/<gidredirect\b/g)?.length ?? 0);
      const odd = f.doc.redirects.filter(
        (r) =>
          !r.oldGid.includes(`/${date}${version}.`) ||
          !r.newGid.startsWith('uk.org.publicwhip/') ||
          r.matchType === '',
      );
      expect(odd, f.rel).toEqual([]);
      total += f.doc.redirects.length;
    }
    expect(total).toBe(13_581);
  });

  it('gives every item a unique place in document order', () => {
    for (const f of files) {
      const seqs = [...f.doc.headings, ...f.doc.speeches, ...f.doc.divisions]
        .map((x) => x.seq)
        .sort((a, b) => a - b);
      expect(seqs, f.rel).toEqual([...seqs.keys()]);
    }
  });
});
