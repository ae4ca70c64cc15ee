import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, fullServer, type FullServer } from './full-server.js';

const GID = 'uk.org.publicwhip/debate/2030-01-07b.10.3';
const base = `/admin/api/speeches/${encodeURIComponent(GID)}/paragraphs`;
const json = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe('tag corrections over the admin API', () => {
  let server: FullServer;
  let app: FastifyInstance;
  const searchIds = async (tag: string) =>
    (await app.inject({ method: 'GET', url: `/api/v1/search?tag=${tag}` }))
      .json<{ results: { gid: string }[] }>()
      .results.map((r) => r.gid);
  const corrections = async () =>
    (
      await app.inject({
        method: 'GET',
        url: '/admin/api/tag-corrections',
        headers: { authorization: json.authorization },
      })
    ).json<{ corrections: { tag: string; action: string; origin: string; note: string | null }[] }>()
      .corrections;

  beforeAll(async () => {
    server = await fullServer('memory');
    app = server.app;
  });
  afterAll(async () => {
    await server?.close();
  });

  it('adds a tag that search finds at once, and removes it again', async () => {
    expect(await searchIds('aco')).not.toContain(GID);
    const added = await app.inject({
      method: 'POST',
      url: `${base}/2/tags`,
      headers: json,
      payload: { tag: 'aco', note: 'test verdict' },
    });
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({
      correction: { tag: 'aco', action: 'add', paragraph: 2, origin: 'api' },
    });
    expect(await searchIds('aco')).toContain(GID);
    const [stored] = await server.db.query<{ method: string }>(
      `SELECT method FROM speech_tags WHERE speech_gid = $1 AND tag = 'aco'`,
      [GID],
    );
    expect(stored?.method).toBe('editor');
    // The public API names who gave each paragraph tag.
    const speech = (await app.inject({ method: 'GET', url: `/api/v1/speeches/${GID}` })).json<{
      paragraphs: { tags: { tag: string; method: string; source: string }[] }[];
    }>();
    expect(speech.paragraphs[1]!.tags).toContainEqual(
      expect.objectContaining({ tag: 'aco', method: 'editor', source: 'editor' }),
    );

    // Exports too.
    const exported = await app.inject({ method: 'GET', url: '/api/v1/export?format=jsonl&tag=aco' });
    expect(exported.statusCode, exported.body.slice(0, 300)).toBe(200);
    const rows = exported.body
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { gid: string; tags: { tag: string; source: string }[] });
    expect(rows.map((r) => r.gid)).toEqual([GID]);
    expect(rows[0]!.tags).toContainEqual(expect.objectContaining({ tag: 'aco', source: 'editor' }));

    const removed = await app.inject({
      method: 'DELETE',
      url: `${base}/2/tags/aco`,
      headers: json,
      payload: {},
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await searchIds('aco')).not.toContain(GID);
    expect(await corrections()).toEqual([
      expect.objectContaining({ tag: 'aco', action: 'remove', origin: 'api' }),
    ]);
  });

  it('answers unknown gid, paragraph and tag with clear errors and changes nothing', async () => {
    const before = await corrections();
    const bad = [
      {
        url: `/admin/api/speeches/nope/paragraphs/1/tags`,
        payload: { tag: 'aco' },
        status: 404,
        msg: /unknown speech gid nope/,
      },
      { url: `${base}/9/tags`, payload: { tag: 'aco' }, status: 404, msg: /has no paragraph 9/ },
      { url: `${base}/1/tags`, payload: { tag: 'fireworks' }, status: 400, msg: /unknown tag fireworks/ },
    ];
    for (const b of bad) {
      const res = await app.inject({ method: 'POST', url: b.url, headers: json, payload: b.payload });
      expect(res.statusCode, res.body).toBe(b.status);
      expect(res.json<{ message: string }>().message).toMatch(b.msg);
    }
    expect(await corrections()).toEqual(before);
  });

  it('is behind the token and takes JSON only', async () => {
    const noToken = await app.inject({
      method: 'POST',
      url: `${base}/1/tags`,
      headers: { 'content-type': 'application/json' },
      payload: { tag: 'aco' },
    });
    expect(noToken.statusCode).toBe(401);
    const form = await app.inject({
      method: 'POST',
      url: `${base}/1/tags`,
      headers: { authorization: json.authorization, 'content-type': 'text/plain' },
      payload: '{"tag":"aco"}',
    });
    expect(form.statusCode).toBe(415);
    const crossSite = await app.inject({
      method: 'DELETE',
      url: `${base}/1/tags/aco`,
      headers: { ...json, 'sec-fetch-site': 'cross-site' },
      payload: {},
    });
    expect(crossSite.statusCode).toBe(403);
  });
});
