/**
 * AlertMatcher's own logic on in-memory repositories, where a database adds nothing:
 * following replaced gids to their new versions, picking the excerpt paragraph of a
 * tag-only match, and reloading the compiled subscriptions only when they changed.
 * tests/alert/*.test.ts keep the real-database tests of the same paths.
 */
import { describe, expect, it } from 'vitest';
import type { MatcherRepositories } from '../../src/alert/alert-matcher.js';
import { AlertMatcher } from '../../src/alert/alert-matcher.js';
import type { DeliveryInput } from '../../src/alert/delivery-repository.js';
import { speechDoc } from '../../src/alert/match/compile.js';
import type { Criteria } from '../../src/alert/match/types.js';
import type { ExcerptRequest, LoadedSpeech } from '../../src/alert/speech-source.js';
import { createLogger } from '../../src/log.js';

const silent = createLogger('silent');

function speech(gid: string, words: string[][], tags: Record<string, number> = {}): LoadedSpeech {
  return {
    meta: {
      gid,
      groupKey: 'debates/2020-01-01',
      contentHash: `hash-${gid}`,
      sittingDate: '2020-01-01',
      type: 'debates',
      house: 'commons',
      personId: 'uk.org.publicwhip/person/10001',
      speakerName: 'A Member',
      personName: 'A Member',
      party: null,
      constituency: null,
      time: null,
      colnum: null,
      url: null,
      majorHeading: 'Health',
      minorHeading: null,
      debateGid: null,
    },
    doc: speechDoc({
      gid,
      personId: 'uk.org.publicwhip/person/10001',
      house: 'commons',
      type: 'debates',
      tags: new Map(Object.entries(tags)),
      paragraphs: words.map((ws, seq) => ({
        seq,
        lexemes: new Map(ws.map((w, i) => [w, [i + 1]])),
      })),
    }),
    paragraphTags: new Map([[1, new Map(Object.entries(tags))]]),
  };
}

const criteria = (over: Partial<Criteria>): Criteria => ({
  query: null,
  tags: [],
  minConfidence: 0.5,
  personIds: [],
  houses: [],
  types: [],
  ...over,
});

class Fakes implements MatcherRepositories {
  generationValue = 1;
  criteriaLoads = 0;
  subs: { id: string; criteria: Criteria }[] = [];
  /** What exists now, by gid. */
  stored = new Map<string, LoadedSpeech>();
  /** old gid → new gid (gid_redirects). */
  redirects = new Map<string, string>();
  /** Gids that vanish (replaced) between currentGids and load, once each. */
  replacedWhileReading = new Map<string, string>();
  recorded: DeliveryInput[] = [];
  excerptRequests: ExcerptRequest[] = [];

  subscriptions = {
    generation: async () => String(this.generationValue),
    activeCriteria: async () => {
      this.criteriaLoads++;
      return { generation: String(this.generationValue), subscriptions: this.subs };
    },
  };

  speeches = {
    currentGids: async (gids: readonly string[]) =>
      gids.map((g) => this.redirects.get(g) ?? g).filter((g) => this.stored.has(g)),
    load: async (gids: readonly string[]) => this.loadNow(gids),
    loadSnapshot: async (gids: readonly string[]) => this.loadNow(gids),
    excerpts: async (requests: readonly ExcerptRequest[]) => {
      this.excerptRequests.push(...requests);
      return requests.map((r) => `excerpt of ${r.gid} paragraph ${r.seq}`);
    },
    queueRematchIfUntagged: async () => 0,
    rematchesDue: async () => [],
    rematchDone: async () => undefined,
  };

  deliveries = {
    record: async (rows: readonly DeliveryInput[]) => {
      this.recorded.push(...rows);
      return { recorded: rows.length, queued: rows.length };
    },
  };

  private loadNow(gids: readonly string[]): LoadedSpeech[] {
    const out: LoadedSpeech[] = [];
    for (const gid of gids) {
      const next = this.replacedWhileReading.get(gid);
      if (next) {
        // A newer version of the day landed between finding the gid and reading it.
        this.replacedWhileReading.delete(gid);
        const old = this.stored.get(gid)!;
        this.stored.set(next, { ...old, meta: { ...old.meta, gid: next }, doc: { ...old.doc, gid: next } });
        this.stored.delete(gid);
        this.redirects.set(gid, next);
        continue;
      }
      const s = this.stored.get(gid);
      if (s) out.push(s);
    }
    return out;
  }
}

describe('AlertMatcher on in-memory repositories', () => {
  it('follows a speech replaced while it was being read to its new gid, and records it there once', async () => {
    const fakes = new Fakes();
    fakes.subs = [{ id: 'al_words', criteria: criteria({ query: "'nhs'" }) }];
    fakes.stored.set('g.1', speech('g.1', [['nhs', 'trust']]));
    fakes.stored.set('g.2', speech('g.2', [['roads']]));
    fakes.replacedWhileReading.set('g.1', 'g.1b');
    const matcher = new AlertMatcher(fakes, silent);

    const outcome = await matcher.handle(['g.1', 'g.2']);

    expect(outcome).toEqual({ speeches: 2, matches: 1, recorded: 1, queued: 1 });
    expect(fakes.recorded.map((r) => [r.subscriptionId, r.gid])).toEqual([['al_words', 'g.1b']]);
    expect(fakes.recorded[0]!.item.excerpt).toBe('excerpt of g.1b paragraph 0');
  });

  it('quotes the paragraph carrying the wanted tag for a tag-only match, with no query to highlight', async () => {
    const fakes = new Fakes();
    fakes.subs = [{ id: 'al_tag', criteria: criteria({ tags: ['privatisation'], minConfidence: 0.6 }) }];
    fakes.stored.set('g.3', speech('g.3', [['opening'], ['contracts']], { privatisation: 0.8 }));
    const matcher = new AlertMatcher(fakes, silent);

    await matcher.handle(['g.3']);

    expect(fakes.excerptRequests).toEqual([{ gid: 'g.3', seq: 1, query: null }]);
    expect(fakes.recorded[0]!.item.reason.tags).toEqual([{ tag: 'privatisation', confidence: 0.8 }]);
  });

  it('compiles the subscriptions once per generation', async () => {
    const fakes = new Fakes();
    fakes.subs = [{ id: 'al_words', criteria: criteria({ query: "'nhs'" }) }];
    fakes.stored.set('g.1', speech('g.1', [['nhs']]));
    const matcher = new AlertMatcher(fakes, silent);

    await matcher.handle(['g.1']);
    await matcher.handle(['g.1']);
    expect(fakes.criteriaLoads).toBe(1);

    fakes.generationValue++;
    fakes.subs = [];
    const after = await matcher.handle(['g.1']);
    expect(fakes.criteriaLoads).toBe(2);
    expect(after.matches).toBe(0);
  });
});
