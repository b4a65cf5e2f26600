/**
 * The admin panel's static files: /admin/ and every /admin/* path answer the app's index.html (the
 * panel routes on the client), /admin/assets/<name>-<hash>.<ext> its immutable, hash-named bundles.
 * The files are public; every piece of data the panel shows comes through the authenticated admin API.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../http/errors.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const ASSET_TYPES: Record<string, string> = {
  js: 'application/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  woff2: 'font/woff2',
};
const ASSET_NAME = /^[A-Za-z0-9_-]+-[A-Za-z0-9_-]{6,64}\.(js|css|svg|png|woff2)$/;

export interface AdminPanelRouteOptions {
  /** dist/web/admin: index.html and assets/ (npm run build). */
  dir: string;
}

export function adminPanelRoutes(options: AdminPanelRouteOptions): FastifyPluginAsync {
  const indexFile = path.join(options.dir, 'index.html');
  const assetsDir = path.join(options.dir, 'assets');
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    const sendIndex = (reply: FastifyReply) => {
      if (!fs.existsSync(indexFile)) {
        throw new NotFoundError(
          'The admin panel is not built. Run `npm run build` (npm start does it for you).',
        );
      }
      return reply
        .header('cache-control', 'no-cache')
        .type('text/html; charset=utf-8')
        .send(fs.createReadStream(indexFile));
    };

    // The server ignores trailing slashes: /admin and /admin/ are the same route.
    r.get('/admin/', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
    r.get(
      '/admin/assets/:file',
      { schema: { hide: true, params: z.object({ file: z.string().max(200) }) } },
      async (request, reply) => {
        const { file } = request.params;
        const match = ASSET_NAME.exec(file);
        const full = path.join(assetsDir, file);
        if (!match || !fs.existsSync(full)) throw new NotFoundError('No such asset.');
        return reply
          .header('cache-control', IMMUTABLE)
          .type(ASSET_TYPES[match[1]!]!)
          .send(fs.createReadStream(full));
      },
    );
    // Client-side routes (/admin/setup?token=…, /admin/leads/…): the same page.
    r.get('/admin/*', { schema: { hide: true } }, async (_request, reply) => sendIndex(reply));
  };
}
