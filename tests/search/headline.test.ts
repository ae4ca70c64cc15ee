import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HEADLINE, headline, wantedLexemes } from '../../src/search/headline.js';
import { excerptHtml, excerptText, MARK_END, MARK_START } from '../../src/search/highlight.js';
import { testDatabaseUrl } from '../support/db.js';

const marks = (s: string): string[] =>
  [...s.matchAll(new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, 'g'))].map((m) => m[1]!);

describe('wantedLexemes', () => {
  it('lists the lexemes of words and phrases', () => {
    expect(wantedLexemes("'privat' <-> 'sector' & 'nhs'")).toEqual(new Set(['privat', 'sector', 'nhs']));
  });

  it('leaves out negated words and negated groups', () => {
    expect(wantedLexemes("'nhs' & !'scotland'")).toEqual(new Set(['nhs']));
    expect(wantedLexemes("!( 'royal' <-> 'mail' ) & 'post'")).toEqual(new Set(['post']));
    expect(wantedLexemes("'hospit' | 'clinic'")).toEqual(new Set(['hospit', 'clinic']));
  });

  it('reads doubled quotes inside a lexeme', () => {
    expect(wantedLexemes("'o''neil'")).toEqual(new Set(["o'neil"]));
  });
});

describe('headline', () => {
  it('marks every inflection that stems to a wanted lexeme, and nothing else', () => {
    const text =
      'Hospitals and the hospital trust: privatisation of hospital services, not private hospitality.';
    const out = headline(text, new Set(['hospit', 'privatis']));
    expect(marks(out)).toEqual(['Hospitals', 'hospital', 'privatisation', 'hospital', 'hospitality']);
    expect(excerptText(out)).toBe(text);
  });

  it('keeps a short paragraph whole and a long one to fragments around the matches', () => {
    const filler = (n: number, w: string) => Array.from({ length: n }, () => w).join(' ');
    const text = `${filler(60, 'alpha')} Royal Mail ${filler(80, 'beta')} privatisation ${filler(60, 'gamma')}.`;
    const out = headline(text, new Set(['royal', 'mail', 'privatis']));
    const parts = out.split(' … ');
    expect(parts).toHaveLength(2);
    for (const p of parts) expect(excerptText(p).split(' ').length).toBeLessThanOrEqual(HEADLINE.maxWords);
    expect(marks(parts[0]!)).toEqual(['Royal', 'Mail']);
    expect(marks(parts[1]!)).toEqual(['privatisation']);
    expect(headline('The Royal Mail.', new Set(['mail']))).toBe(`The Royal ${MARK_START}Mail${MARK_END}.`);
  });

  it('gives the start of the text when no word matches', () => {
    const text = Array.from({ length: 50 }, (_, i) => `w${i}`).join(' ');
    expect(headline(text, new Set(['absent'])).split(' ')).toHaveLength(HEADLINE.maxWords);
  });

  it('yields excerpts that render as escaped HTML with <mark>', () => {
    expect(excerptHtml(headline('<b>Privatised</b> & sold', new Set(['privatis'])))).toBe(
      '&lt;b&gt;<mark>Privatised</mark>&lt;/b&gt; &amp; sold',
    );
  });
});

// Highlighting is only right if a word stems here as Postgres's `english` configuration stems it.
describe('stems as Postgres stems them', () => {
  const WORDS =
    'privatisation privatised privatise private privately outsourcing outsourced outsource contractors contracting ' +
    'tendering tenders procurement accountable accountability sustainability sustainable transformation transforming ' +
    'partnerships partnership integrated integration hospitals hospitality generously generous ladies lady running ' +
    'dying skies news proceed exceed succeed communism arsenal commune national nationalisation renationalised ' +
    'services serviced providers provision independent sector sectors trusts primary care commissioning commissioners ' +
    'ministers ministerial government governments honourable friends Mr Speaker NHS GP GPs 2009 Royal Mail Post Office';
  let client: pg.Client;
  beforeAll(async () => {
    client = new pg.Client({ connectionString: testDatabaseUrl });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
  });

  it('matches the lexemes of to_tsvector for each word', async () => {
    const words = WORDS.split(' ');
    const { rows } = await client.query<{ w: string; lexemes: string[] }>(
      `SELECT w, tsvector_to_array(to_tsvector('english', w)) AS lexemes FROM unnest($1::text[]) AS w`,
      [words],
    );
    for (const { w, lexemes } of rows) {
      // A word Postgres keeps (not a stop word) is marked when its own lexeme is wanted.
      if (lexemes.length === 1) expect(marks(headline(w, new Set(lexemes))), w).toEqual([w]);
    }
    expect(rows.filter((r) => r.lexemes.length === 1).length).toBeGreaterThan(words.length - 5);
  });
});
