import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestBatch } from '../../src/app/ingest.js';
import type { Db } from '../../src/store/db.js';
import { askVerdicts, drawSample, precisionReport, saveVerdicts } from '../../src/tag/audit.js';
import { listCorrections } from '../../src/tag/correction-repository.js';
import { createDefaultTagger } from '../../src/tag/index.js';
import { freshStore } from '../support/db.js';
import { pick, readPeople, silentLog } from '../support/ingest.js';

const mini = path.join(import.meta.dirname, '..', 'fixtures', 'pwdata-mini');
const tags = ['outsourcing', 'privatisation', 'stp', 'aco'];

function session(answers: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  output.resume();
  input.end(answers.map((a) => `${a}\n`).join(''));
  return { input, output };
}

describe('tags audit', () => {
  let db: Db;
  beforeAll(async () => {
    db = await freshStore('postgres');
    const people = readPeople(path.join(mini, 'members', 'people.json'));
    await ingestBatch(db, pick(mini, 'debates2030-01-07b.xml'), {
      workers: 0,
      people,
      log: silentLog,
      tagger: createDefaultTagger(),
    });
    // A second stratum: a classifier tag on another paragraph.
    await db.query(
      `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version)
       VALUES ('uk.org.publicwhip/debate/2030-01-07b.10.3', 1, 'privatisation', 0.6, 'classifier', '[{"term":"Staff"}]', 't')`,
    );
  });
  afterAll(async () => db?.close());

  it('draws the same stratified sample for a seed', async () => {
    const sample = await drawSample(db, 5, 's1');
    expect(sample.length).toBeGreaterThanOrEqual(2);
    expect(
      sample.some((i) => i.tag === 'privatisation' && i.method === 'classifier' && i.terms.includes('Staff')),
    ).toBe(true);
    expect(await drawSample(db, 5, 's1')).toEqual(sample);
    expect(await drawSample(db, 0, 's1')).toEqual([]);
  });

  it('writes nothing when the session ends half-way', async () => {
    const sample = await drawSample(db, 5, 's1');
    expect(await askVerdicts(sample, session(['w', 'bad']))).toBeNull();
    expect(await askVerdicts(sample, session(['x', 'q']))).toBeNull();
    expect(await listCorrections(db)).toEqual([]);
  });

  it('writes the wrong verdicts as corrections and reports precision per tag and method', async () => {
    const sample = await drawSample(db, 5, 's1');
    const answers = sample.flatMap((i) =>
      i.method === 'classifier' ? ['w', 'staff, not a sale'] : ['maybe', 'r', ''],
    );
    const verdicts = (await askVerdicts(sample, session(answers)))!;
    expect(verdicts.map((v) => v.verdict)).toEqual(
      sample.map((i) => (i.method === 'classifier' ? 'wrong' : 'right')),
    );
    expect(await saveVerdicts(db, verdicts, tags)).toBe(1);
    const [c] = await listCorrections(db);
    expect(c).toMatchObject({
      tag: 'privatisation',
      action: 'remove',
      origin: 'audit',
      note: 'staff, not a sale',
      paragraph: 2,
    });
    const report = precisionReport(verdicts);
    expect(report).toContain('| privatisation / classifier | 1 | 0 | 1 | 0 | 0.000 |');
    expect(report).toMatch(/\| all \| \d+ \| \d+ \| 1 \| 0 \| 0\.\d{3} \|/);
    // The wrong tag is gone from the store, so the next sample no longer offers it.
    expect((await drawSample(db, 5, 's1')).some((i) => i.method === 'classifier')).toBe(false);
  });
});
