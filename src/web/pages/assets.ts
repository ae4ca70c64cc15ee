/**
 * /assets/*: the stylesheet and the one script, read once at start-up from src/web/assets
 * (no build step; the files are the source). Revalidated by ETag, cached for an hour.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../../paths.js';

export const assetsDir = path.join(projectRoot, 'src', 'web', 'assets');

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

export function loadAssets(dir = assetsDir): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[path.extname(name)];
    if (!type) continue;
    const body = readFileSync(path.join(dir, name));
    assets.set(name, {
      body,
      type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    });
  }
  return assets;
}

export function assetRoutes(app: FastifyInstance): void {
  const assets = loadAssets();
  app.get<{ Params: { name: string } }>('/assets/:name', async (req, reply) => {
    // Only names found in the folder at start-up: nothing in the request becomes a path.
    const asset = assets.get(req.params.name);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found');
    reply.header('etag', asset.etag).header('cache-control', 'public, max-age=3600');
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  });
}
