import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/store/db.js';
import { corpusAvailable } from '../support/corpus.js';
import { parseCsv } from '../export/rfc4180.js';
import { MP_SHORT_ID, webServer, webStore } from './api-fixture.js';

// The same SQL runs on embedded PGlite (no DATABASE_URL): one pass over the main endpoints.
describe.skipIf(!corpusAvailable())('REST API smoke test on PGlite', () => {
  let db: Db;
  let app: FastifyInstance;
  const get = (url: string) => app.inject({ method: 'GET', url });

  beforeAll(async () => {
    db = await webStore('pglite');
    app = await webServer(db);
  }, 600_000);
  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('searches, pages, redirects, reads a person and exports', async () => {
    const first = await get(`/api/v1/search?q=${encodeURIComponent('"Royal Mail"')}&limit=20`);
    expect(first.statusCode).toBe(200);
    const page = first.json<{ results: { excerptHtml: string }[]; nextCursor: string }>();
    expect(page.results[0]?.excerptHtml).toContain('<mark>Royal</mark>');
    const second = (
      await get(`/api/v1/search?q=${encodeURIComponent('"Royal Mail"')}&limit=20&cursor=${page.nextCursor}`)
    ).json<{ results: unknown[] }>();
    expect(page.results.length + second.results.length).toBe(30);

    const moved = await get('/api/v1/speeches/uk.org.publicwhip/debate/2009-10-26a.1.2');
    expect(moved.statusCode).toBe(301);
    expect(moved.headers.location).toBe('/api/v1/speeches/uk.org.publicwhip/debate/2009-10-26b.1.2');

    const person = (await get(`/api/v1/people/${MP_SHORT_ID}`)).json<{
      constituency: string;
      record: { speeches: number; byTag: unknown[] };
    }>();
    expect(person).toMatchObject({ constituency: 'Corby', record: { speeches: 45 } });
    expect(person.record.byTag.length).toBe(2);

    const csv = await get('/api/v1/export?format=csv&per=speech&type=wms');
    expect(csv.statusCode).toBe(200);
    expect(parseCsv(csv.body)).toHaveLength(35 + 1);

    const pageHtml = await get(`/people/${MP_SHORT_ID}`);
    expect(pageHtml.statusCode).toBe(200);
    expect(pageHtml.body).toMatch(/<svg\s+viewBox/);
  });
});
