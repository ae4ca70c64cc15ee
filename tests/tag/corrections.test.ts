import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerTagCommands } from '../../src/cli/tags-command.js';
import { ingestBatch } from '../../src/app/ingest.js';
import type { Db } from '../../src/store/db.js';
import { TAG_SOURCE } from '../../src/export/export-repository.js';
import { createDefaultTagger, type Tagger } from '../../src/tag/index.js';
import {
  CorrectionError,
  correctionExamples,
  listCorrections,
  recordCorrection,
  type CorrectionRequest,
} from '../../src/tag/correction-repository.js';
import { applyCorrections, parseCorrectionArg, speechKey } from '../../src/tag/corrections.js';
import { sha1 } from '../../src/tag/data.js';
import { TagRepository } from '../../src/tag/tag-repository.js';
import { tagPendingDays } from '../../src/tag/tag-service.js';
import { freshStore } from '../support/db.js';
import { pick, readPeople, silentLog } from '../support/ingest.js';

const mini = path.join(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');
const A = 'uk.org.publicwhip/debate/2030-01-07a.10.1';
const B = 'uk.org.publicwhip/debate/2030-01-07b.10.1';
let tagger: Tagger;
beforeAll(() => {
  tagger = createDefaultTagger();
});

describe('corrections, pure', () => {
  it('the CLI reads -tag as a verdict, not an option', async () => {
    const program = new Command().exitOverride();
    registerTagCommands(program);
    const correct = program.commands
      .find((c) => c.name() === 'tags')!
      .commands.find((c) => c.name() === 'correct')!;
    const seen: unknown[] = [];
    correct.action((...args: unknown[]) => void seen.push(...args.slice(0, 4)));
    await program.parseAsync(['tags', 'correct', A, '1', '-outsourcing', '--note', 'why', '+privatisation'], {
      from: 'user',
    });
    expect(seen).toEqual([A, '1', ['-outsourcing', '+privatisation'], { note: 'why' }]);
  });

  it('parses +tag and -tag only', () => {
    expect(parseCorrectionArg('+privatisation')).toEqual({ action: 'add', tag: 'privatisation' });
    expect(parseCorrectionArg('-outsourcing')).toEqual({ action: 'remove', tag: 'outsourcing' });
    expect(parseCorrectionArg('outsourcing')).toBeNull();
    expect(parseCorrectionArg('+')).toBeNull();
  });

  it('keys a speech without its file version letter', () => {
    expect(speechKey(A)).toBe(speechKey(B));
    expect(speechKey(A)).not.toBe(speechKey('uk.org.publicwhip/debate/2030-01-08a.10.1'));
  });

  it('applies a verdict only to the paragraph whose text it was made on', () => {
    const tagging = tagger.tagSpeech([
      { pid: '1', seq: 1, text: 'The council outsourced its bin collection to Serco.' },
      { pid: '2', seq: 2, text: 'The council outsourced its libraries to a private company.' },
    ]);
    const texts = new Map([
      [1, 'The council outsourced its bin collection to Serco.'],
      [2, 'The council outsourced its libraries to a private company.'],
    ]);
    expect(tagging.speech.map((t) => t.tag)).toContain('outsourcing');
    const out = applyCorrections(tagging, texts, [
      { speechGid: 'g', textSha1: sha1(texts.get(1)!), tag: 'outsourcing', action: 'remove' },
      { speechGid: 'g', textSha1: sha1(texts.get(1)!), tag: 'aco', action: 'add' },
    ]);
    expect(out.paragraphs[0]!.tags.map((t) => [t.tag, t.method])).toEqual([['aco', 'editor']]);
    expect(out.paragraphs[1]!.tags.map((t) => t.tag)).toContain('outsourcing');
    expect(out.speech.find((t) => t.tag === 'outsourcing')!.paragraphs.map((p) => p.seq)).toEqual([2]);
  });
});

for (const kind of ['postgres', 'pglite'] as const) {
  describe(`corrections in the store (${kind})`, () => {
    const stores: Db[] = [];
    afterAll(async () => Promise.all(stores.map((s) => s.close())));
    const people = readPeople(path.join(mini, 'members', 'people.json'));
    const ingest = (db: Db, file: string) =>
      ingestBatch(db, pick(mini, file), { workers: 0, people, log: silentLog, tagger });
    const request = (over: Partial<CorrectionRequest>): CorrectionRequest => ({
      gid: A,
      paragraph: '1',
      changes: [
        { action: 'remove', tag: 'outsourcing' },
        { action: 'add', tag: 'privatisation' },
      ],
      note: 'a transfer to a contractor, not a sale',
      origin: 'cli',
      knownTags: tagger.tags,
      ...over,
    });
    const tagsOf = async (db: Db, gid: string) => ({
      paragraph: await db.query<{ tag: string; method: string; source: string }>(
        `SELECT t.tag, t.method, ${TAG_SOURCE} AS source FROM paragraph_tags t WHERE t.speech_gid = $1 ORDER BY t.tag`,
        [gid],
      ),
      speech: (
        await db.query<{ tag: string }>('SELECT tag FROM speech_tags WHERE speech_gid = $1 ORDER BY tag', [
          gid,
        ])
      ).map((r) => r.tag),
    });

    it('takes effect at once and survives re-tagging and a revised file', async () => {
      const db = await freshStore(kind);
      stores.push(db);
      await ingest(db, 'debates2030-01-07a.xml');
      expect((await tagsOf(db, A)).speech).toContain('outsourcing');

      const saved = await db.transaction((tx) => recordCorrection(tx, request({})));
      expect(saved.map((c) => [c.action, c.tag, c.paragraph])).toEqual([
        ['remove', 'outsourcing', 1],
        ['add', 'privatisation', 1],
      ]);
      const now = await tagsOf(db, A);
      expect(now.speech).toEqual(['privatisation']);
      expect(now.paragraph).toEqual([{ tag: 'privatisation', method: 'editor', source: 'editor' }]);

      await new TagRepository(db).queueDays(null);
      await tagPendingDays({ db, tags: new TagRepository(db) }, tagger);
      expect((await tagsOf(db, A)).speech).toEqual(['privatisation']);

      // Version b: the same paragraph under a new gid keeps the verdict.
      await ingest(db, 'debates2030-01-07b.xml');
      expect((await tagsOf(db, B)).speech).toEqual(['privatisation']);

      const listed = await listCorrections(db);
      expect(listed.map((c) => [c.gid, c.tag, c.action, c.note, c.origin])).toEqual([
        [A, 'outsourcing', 'remove', 'a transfer to a contractor, not a sale', 'cli'],
        [A, 'privatisation', 'add', 'a transfer to a contractor, not a sale', 'cli'],
      ]);
      expect(listed[0]!.text).toMatch(/^What assessment/);
      // Listed against the gid corrected, which version b replaced: its text is no longer in the store.
      expect(listed[0]!.paragraph).toBeNull();

      // Training data: one paragraph, labelled as the editor left it.
      expect(await correctionExamples(db)).toEqual([
        { id: `editor:${listed[0]!.id}`, text: listed[0]!.text, labels: ['privatisation'] },
      ]);
    });

    it('refuses an unknown gid, paragraph or tag and changes nothing', async () => {
      const db = await freshStore(kind);
      stores.push(db);
      await ingest(db, 'debates2030-01-07a.xml');
      const before = await tagsOf(db, A);
      const attempt = (over: Partial<CorrectionRequest>) =>
        db.transaction((tx) => recordCorrection(tx, request(over)));
      await expect(attempt({ gid: 'uk.org.publicwhip/debate/2030-01-07a.99.9' })).rejects.toThrow(
        /unknown speech gid/,
      );
      await expect(attempt({ paragraph: '7' })).rejects.toThrow(/has no paragraph 7/);
      await expect(attempt({ paragraph: 'a.10.1/9' })).rejects.toThrow(CorrectionError);
      // The valid first change must not be kept when the second names an unknown tag.
      await expect(
        attempt({
          changes: [
            { action: 'remove', tag: 'outsourcing' },
            { action: 'add', tag: 'fireworks' },
          ],
        }),
      ).rejects.toThrow(/unknown tag fireworks/);
      expect(await listCorrections(db)).toEqual([]);
      expect(await tagsOf(db, A)).toEqual(before);
      // A pid names the paragraph as well as its position does.
      await db.transaction((tx) =>
        recordCorrection(
          tx,
          request({ paragraph: 'a.10.1/1', changes: [{ action: 'remove', tag: 'outsourcing' }] }),
        ),
      );
      expect((await tagsOf(db, A)).speech).toEqual([]);
    });
  });
}
