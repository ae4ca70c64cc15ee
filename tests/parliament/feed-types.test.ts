/**
 * The feed-type registry (src/parliament/feed-type-registry.ts) is the one place a feed
 * type is described: every entry complete, every derived table covering every type, and a
 * new entry reaching the parser, citations, links, labels and config on its own.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseFeedFileName } from '../../src/debate/feed-file.js';
import { DIVISION_HOUSE } from '../../src/division/vote-row.js';
import { citation } from '../../src/export/citation.js';
import { feedHouse } from '../../src/member/feed-house.js';
import {
  FEED_TYPE_REGISTRY,
  FEED_TYPES,
  HOUSES,
  NESTED_FEED_TYPES,
  feedTypeEntry,
  feedTypeOfFolder,
  feedTypeOfPrefix,
  isFeedType,
  twfyUrl,
  type FeedTypeEntry,
} from '../../src/parliament/index.js';
import { filterFields } from '../../src/search/filters.js';
import { typeLabel } from '../../src/web/pages/labels.js';

const entries = FEED_TYPES.map((t) => [t, FEED_TYPE_REGISTRY[t] as FeedTypeEntry] as const);

describe('feed-type registry: every entry complete', () => {
  it('lists the fourteen parlparse feeds, in the order they are offered', () => {
    expect(FEED_TYPES).toEqual([
      'debates',
      'westminhall',
      'lordspages',
      'wms',
      'lordswms',
      'wrans',
      'lordswrans',
      'sp',
      'sp-written',
      'sp-new',
      'senedd',
      'senedd-votes',
      'ni',
      'standing',
    ]);
  });

  it.each(entries)('%s has every field, well formed', (type, e) => {
    expect(e.folder).toBe(type);
    expect(e.filePrefix === null || /^[a-z]+$/.test(e.filePrefix)).toBe(true);
    expect(typeof e.nested).toBe('boolean');
    expect(HOUSES).toContain(e.house);
    expect(typeof e.speakersByPersonId).toBe('boolean');
    expect(typeof e.divisions).toBe('boolean');
    expect(e.citation.label).toMatch(/\S/);
    expect(e.twfy.gidSegment).toMatch(/^[a-z]+$/);
    expect(e.twfy.section).toMatch(/^[a-z]+$/);
    expect(e.label).toMatch(/\S/);
  });

  it('gives each type its own label and file prefix', () => {
    const labels = entries.map(([, e]) => e.label);
    expect(new Set(labels).size).toBe(labels.length);
    const prefixes = entries.flatMap(([, e]) => (e.filePrefix === null ? [] : [e.filePrefix]));
    expect(new Set(prefixes).size).toBe(prefixes.length);
  });

  it('agrees on the TheyWorkForYou section wherever types share a gid segment', () => {
    const bySegment = new Map<string, FeedTypeEntry['twfy']>();
    for (const [, e] of entries) {
      const seen = bySegment.get(e.twfy.gidSegment);
      if (seen) expect(e.twfy).toEqual(seen);
      else bySegment.set(e.twfy.gidSegment, e.twfy);
    }
    // Lords written answers and statements share the Commons gid forms.
    expect(FEED_TYPE_REGISTRY.lordswrans.twfy).toEqual(FEED_TYPE_REGISTRY.wrans.twfy);
    expect(FEED_TYPE_REGISTRY.lordswms.twfy).toEqual(FEED_TYPE_REGISTRY.wms.twfy);
  });
});

describe('feed-type registry: derived lookups cover every type', () => {
  it.each(entries)('%s', (type, e) => {
    expect(isFeedType(type)).toBe(true);
    expect(feedTypeEntry(type)).toBe(e);
    expect(feedTypeOfFolder(e.nested ? `${e.folder}/some-meeting` : e.folder)).toBe(type);
    expect(NESTED_FEED_TYPES.has(type)).toBe(e.nested);
    // A file of a feed in several languages is named with its language folder.
    const folder = e.languages ? `${e.folder}/${e.languages[0]}/` : '';
    if (e.filePrefix !== null) {
      expect(feedTypeOfPrefix(e.filePrefix)).toBe(type);
      expect(parseFeedFileName(`${folder}${e.filePrefix}2009-10-26a.xml`).type).toBe(type);
    }
    expect(parseFeedFileName(`${folder}2026-03-13_20136.xml`, type).type).toBe(type);
    expect(typeLabel(type)).toBe(e.label);
    expect(citation({ type, sitting_date: '2009-10-26', colnum: null })).toMatch(
      new RegExp(`^${e.citation.label} 26 October 2009`),
    );
    const url = twfyUrl(
      `uk.org.publicwhip/${e.twfy.gidSegment}/standing2009-10-20_CHILDPOV_05-0_2009-10-27a.1.1`,
      { session: '2008-09', billTitle: 'Child Poverty Bill' },
    );
    expect(url).toMatch(new RegExp(`^https://www\\.theyworkforyou\\.com/${e.twfy.section}/`));
    expect(DIVISION_HOUSE[type]).toBe(e.divisions ? e.house : undefined);
    expect(feedHouse(type)).toBe(e.speakersByPersonId ? e.house : null);
    expect(loadConfig({}).FEED_TYPES).toContain(type);
    expect(filterFields.type.safeParse(type).success).toBe(true);
  });

  it('knows nothing of a name that is not in the registry', () => {
    expect(isFeedType('commons')).toBe(false);
    expect(feedTypeEntry('commons')).toBeUndefined();
    expect(feedTypeEntry('toString')).toBeUndefined();
    expect(typeLabel('commons')).toBe('commons');
    expect(citation({ type: 'commons', sitting_date: '2009-10-26', colnum: '12' })).toBe(
      'commons 26 October 2009 c12',
    );
    expect(DIVISION_HOUSE['commons']).toBeUndefined();
    expect(feedHouse('commons')).toBeNull();
    expect(filterFields.type.safeParse('commons').success).toBe(false);
  });
});

describe('feed-type registry: a new type is one entry', () => {
  afterEach(() => {
    vi.doUnmock('../../src/parliament/feed-type-registry.js');
    vi.resetModules();
  });

  it('reaches the parser, citations, links, labels, divisions, filters and config', async () => {
    const entry: FeedTypeEntry = {
      folder: 'lordscommittees',
      filePrefix: 'lordscttee',
      nested: true,
      house: 'house-of-lords',
      speakersByPersonId: true,
      divisions: true,
      citation: { label: 'HL Cttee', columnPrefix: 'CT' },
      twfy: { gidSegment: 'lordscttee', section: 'lordscommittees' },
      label: 'Lords committees',
    };
    vi.resetModules();
    vi.doMock('../../src/parliament/feed-type-registry.js', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../src/parliament/feed-type-registry.js')>();
      return { ...real, FEED_TYPE_REGISTRY: { ...real.FEED_TYPE_REGISTRY, lordscommittees: entry } };
    });
    const parliament = await import('../../src/parliament/index.js');
    const { parseFeedFileName: parseName } = await import('../../src/debate/feed-file.js');
    const { citation: cite } = await import('../../src/export/citation.js');
    const { typeLabel: label } = await import('../../src/web/pages/labels.js');
    const { DIVISION_HOUSE: divisionHouse } = await import('../../src/division/vote-row.js');
    const { feedHouse: house } = await import('../../src/member/feed-house.js');
    const { filterFields: fields } = await import('../../src/search/filters.js');
    const { loadConfig: config } = await import('../../src/config.js');

    expect(parliament.FEED_TYPES.at(-1)).toBe('lordscommittees');
    expect(parliament.NESTED_FEED_TYPES.has('lordscommittees' as never)).toBe(true);
    expect(parseName('lordscttee2026-03-13a.xml')).toMatchObject({ type: 'lordscommittees', version: 'a' });
    expect(cite({ type: 'lordscommittees', sitting_date: '2026-03-13', colnum: '4' })).toBe(
      'HL Cttee 13 March 2026 cCT4',
    );
    expect(parliament.twfyUrl('uk.org.publicwhip/lordscttee/2026-03-13a.4.1')).toBe(
      'https://www.theyworkforyou.com/lordscommittees/?id=2026-03-13a.4.1',
    );
    expect(label('lordscommittees')).toBe('Lords committees');
    expect(divisionHouse['lordscommittees']).toBe('house-of-lords');
    expect(house('lordscommittees')).toBe('house-of-lords');
    expect(fields.type.safeParse('lordscommittees').success).toBe(true);
    expect(config({}).FEED_TYPES).toContain('lordscommittees');
  });
});

describe('feed-type registry: the one place', () => {
  /** Files allowed to name a feed type in code, and which names (none besides the registry). */
  const ALLOWED: Record<string, string[]> = {
    'src/parliament/feed-type-registry.ts': [...FEED_TYPES],
    // The type of a file whose name cannot be read at all: a label for the error row only.
    'src/ingest/ingest-one.ts': ['debates'],
    // An example value in the API document.
    'src/web/api/openapi.ts': ['debates'],
  };

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
      const p = path.join(dir, d.name);
      return d.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
    });
  }

  it('no other source file spells a feed type out', () => {
    const literal = new RegExp(`['"](${FEED_TYPES.map((t) => t.replace('-', '\\-')).join('|')})['"]`, 'g');
    const found: string[] = [];
    let registryNames = 0;
    for (const file of sources('src')) {
      const rel = file.split(path.sep).join('/');
      const allowed = ALLOWED[rel] ?? [];
      const code = readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line));
      for (const line of code)
        for (const m of line.matchAll(literal)) {
          if (!allowed.includes(m[1]!)) found.push(`${rel}: ${m[0]}`);
          else if (rel.endsWith('feed-type-registry.ts')) registryNames++;
        }
    }
    // The scan does see names where they are spelled out.
    expect(registryNames).toBeGreaterThanOrEqual(FEED_TYPES.length);
    expect(found, 'add the type to src/parliament/feed-type-registry.ts and derive from it').toEqual([]);
  });
});
