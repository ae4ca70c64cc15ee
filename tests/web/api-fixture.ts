/**
 * The web tests' store: the shared week ingested once per test file, its members loaded
 * (parties and seats come from the member tables), and tags seeded directly by SQL rules
 * (stand-ins for the tagger, deterministic so counts can be asserted).
 */
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { listSourceFiles } from '../../src/ingest/source-files.js';
import { MemberRepository } from '../../src/member/member-repository.js';
import { loadMembersFile } from '../../src/member/member-service.js';
import type { Db } from '../../src/store/db.js';
import { webPlugin, type WebOptions } from '../../src/web/api/web.js';
import { corpusDir } from '../support/corpus.js';
import { freshStore, type StoreKind } from '../support/db.js';
import { ingest, readPeople, silentLog } from '../support/ingest.js';

/** Tag rules: [tag, case-insensitive regex, confidence]. foundation trusts sit below the default 0.5. */
export const TAG_RULES: [string, string, number][] = [
  ['privatisation', String.raw`part-privati[sz]\w*|privati[sz]\w*|sell-off`, 0.92],
  ['privatisation', String.raw`Royal Mail`, 0.62],
  ['outsourcing', String.raw`outsourc\w*|contracted out|private contractors?`, 0.81],
  ['stp', String.raw`primary care trusts?`, 0.55],
  ['aco', String.raw`foundation trusts?`, 0.35],
];

export const TAXONOMY_TAGS = [
  { id: 'outsourcing', label: 'Outsourcing' },
  { id: 'privatisation', label: 'Privatisation' },
  { id: 'stp', label: 'Sustainability and transformation plans' },
  { id: 'aco', label: 'Accountable care' },
];

/** Paragraph tags from the rules (strongest rule per paragraph and tag), speech tags as their maximum. */
export async function seedTags(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO paragraph_tags (speech_gid, seq, tag, confidence, method, evidence, model_version)
     SELECT DISTINCT ON (p.speech_gid, p.seq, r.tag) p.speech_gid, p.seq, r.tag, r.confidence, 'keyword',
            jsonb_build_array(jsonb_build_object('term', substring(p.body from '(?i)(' || r.pattern || ')'), 'source', 'keyword')),
            'test-seed'
       FROM paragraphs p
       JOIN unnest($1::text[], $2::text[], $3::real[]) AS r(tag, pattern, confidence) ON p.body ~* r.pattern
      ORDER BY p.speech_gid, p.seq, r.tag, r.confidence DESC`,
    [TAG_RULES.map((r) => r[0]), TAG_RULES.map((r) => r[1]), TAG_RULES.map((r) => r[2])],
  );
  await db.query(
    `INSERT INTO speech_tags (speech_gid, tag, confidence, method, evidence, model_version)
     SELECT speech_gid, tag, max(confidence), 'keyword',
            jsonb_agg(jsonb_build_object('seq', seq, 'confidence', confidence, 'terms', jsonb_build_array(evidence->0->>'term')) ORDER BY seq),
            'test-seed'
       FROM paragraph_tags GROUP BY speech_gid, tag`,
  );
}

/** A store holding the shared week with members and seeded tags. */
export async function webStore(kind: StoreKind): Promise<Db> {
  const db = await freshStore(kind);
  const peopleFile = path.join(corpusDir, 'members', 'people.json');
  await loadMembersFile(new MemberRepository(db), peopleFile, silentLog);
  const summary = await ingest(
    db,
    listSourceFiles(corpusDir),
    readPeople(peopleFile),
    kind === 'postgres' ? 2 : 0,
  );
  if (summary.failed.length > 0)
    throw new Error(`ingest failed: ${summary.failed.map((f) => f.file).join(', ')}`);
  await seedTags(db);
  return db;
}

/** A Fastify server with the web plugin only, quiet, no rate limits unless asked. */
export async function webServer(db: Db, opts: Partial<WebOptions> = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024 });
  await app.register(webPlugin, { db, tags: TAXONOMY_TAGS, rateLimit: false, ...opts });
  await app.ready();
  return app;
}

/** Phil Hope, Labour MP for Corby in 2009 (Labour/Co-operative before 2005); tagged speeches in the week. */
export const MP_ID = 'uk.org.publicwhip/person/10287';
export const MP_SHORT_ID = '10287';
