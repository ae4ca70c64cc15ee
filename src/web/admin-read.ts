/**
 * Read-only admin API routes for the CLI: `hansard-watch speech` and `errors` call them
 * on a running server when the embedded store is held by it (PGlite admits one process).
 * `start` mounts them in its admin API; `serve`, which has no pipeline, mounts
 * `serveAdminPlugin` with them and a store-only /status.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { listIngestErrors } from '../ingest/error-repository.js';
import { MemberRepository } from '../member/member-repository.js';
import { formatUnresolved, unresolvedReport } from '../member/unresolved-report.js';
import { CursorRepository, emptyState, type TypeState } from '../pipeline/cursor-repository.js';
import { StateRepository } from '../pipeline/state-repository.js';
import { collectStoreCounts, type PipelineStatus } from '../pipeline/status.js';
import { SpeechRepository } from '../speech/speech-repository.js';
import type { Db } from '../store/db.js';
import { requireToken } from './admin-auth.js';
import { refuseCrossSite } from './admin-csrf.js';
import { errorBody } from './api/errors.js';

/** GET /speech/<gid> and GET /errors[?all=1], relative to where they are mounted. */
export function readRoutes(app: FastifyInstance, db: Db): void {
  // Built once with the routes, not per request.
  const speeches = new SpeechRepository(db);
  const members = new MemberRepository(db);
  app.get('/speech/*', async (req, reply) => {
    const gid = (req.params as { '*'?: string })['*'] ?? '';
    const speech = gid ? await speeches.get(gid) : null;
    return speech ?? reply.code(404).send(errorBody(404, `No speech with gid ${gid}`));
  });
  app.get('/errors', async (req) => {
    const all = (req.query as { all?: string }).all === '1';
    return {
      rows: await listIngestErrors(db, { includeResolved: all, includeWarnings: all }),
      unresolved: formatUnresolved(await unresolvedReport(members)),
    };
  });
}

/** What `serve` knows of the pipeline: the store's side of it (no queue, no polling here). */
async function storeOnlyStatus(
  db: Db,
  repos: { cursors: CursorRepository; states: StateRepository },
  types: readonly string[],
): Promise<PipelineStatus> {
  const { states } = repos;
  const stored = new Map((await repos.cursors.all()).map((t) => [t.type, t]));
  const byTypeRows = await db.query<{ type: string; n: number }>(
    'SELECT type, count(*)::int AS n FROM feed_pending GROUP BY type ORDER BY type',
  );
  return {
    feed: 'not polled by this server (hansard-watch serve)',
    queue: { kind: 'none: `serve` works no queue', counts: null },
    types: types.map((type): TypeState => stored.get(type) ?? emptyState(type)),
    lastPoll: (await states.get('last-poll')) ?? null,
    lastSuccessfulPoll: (await states.get('last-successful-poll')) ?? null,
    people: (await states.get('people')) ?? null,
    pending: {
      total: byTypeRows.reduce((n, r) => n + r.n, 0),
      byType: Object.fromEntries(byTypeRows.map((r) => [r.type, r.n])),
    },
    failed: [],
    store: await collectStoreCounts(db),
  };
}

/** Register with `{ prefix: '/admin/api' }` on `serve`. */
export const serveAdminPlugin: FastifyPluginAsync<{
  db: Db;
  token: string;
  types: readonly string[];
}> = async (app, opts) => {
  app.addHook('onRequest', requireToken(opts.token));
  app.addHook('onRequest', refuseCrossSite);
  const repos = { cursors: new CursorRepository(opts.db), states: new StateRepository(opts.db) };
  app.get('/status', async () => storeOnlyStatus(opts.db, repos, opts.types));
  readRoutes(app, opts.db);
};
