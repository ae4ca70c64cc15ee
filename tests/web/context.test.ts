/**
 * WebContext with injected repositories: the tag catalogue and its cache are decisions
 * about what the store returned, so an in-memory tag count stands in for the database.
 */
import { describe, expect, it } from 'vitest';
import type { TagCountRepository, TagTotal } from '../../src/search/tag-count-repository.js';
import type { Db } from '../../src/store/db.js';
import { WebContext, type WebRepositories } from '../../src/web/api/context.js';

/** Only what WebContext touches when built: PGlite-like pool statistics. */
const db = { poolStats: () => null } as unknown as Db;

function contextWith(totals: () => Promise<TagTotal[]>) {
  let calls = 0;
  const tagCounts = {
    totals: () => {
      calls++;
      return totals();
    },
  } as unknown as TagCountRepository;
  // Routes are not exercised here: the other repositories are never called.
  const repositories = { tagCounts } as unknown as WebRepositories;
  const ctx = new WebContext({
    db,
    repositories,
    tags: [
      { id: 'outsourcing', label: 'Outsourcing' },
      { id: 'pfi', label: 'PFI' },
    ],
  });
  return { ctx, calls: () => calls };
}

const total = (tag: string, speeches: number): TagTotal => ({
  tag,
  speeches,
  firstDate: null,
  lastDate: null,
});

describe('WebContext with injected repositories', () => {
  it('lists taxonomy tags first, then tags only the store holds, each once', async () => {
    const { ctx } = contextWith(async () => [total('pfi', 3), total('legacy-tag', 1)]);
    expect(await ctx.tagCatalogue()).toEqual([
      { id: 'outsourcing', label: 'Outsourcing' },
      { id: 'pfi', label: 'PFI' },
      { id: 'legacy-tag', label: 'legacy-tag' },
    ]);
    expect(ctx.tagLabel('pfi')).toBe('PFI');
    expect(ctx.tagLabel('legacy-tag')).toBe('legacy-tag');
  });

  it('asks the store for tag totals once a minute, but again after a failure', async () => {
    let fail = true;
    const { ctx, calls } = contextWith(async () => {
      if (fail) throw new Error('store down');
      return [total('pfi', 1)];
    });
    await expect(ctx.tagTotals()).rejects.toThrow('store down');
    fail = false;
    await ctx.tagTotals();
    await ctx.tagCatalogue();
    expect(calls()).toBe(2);
  });
});
