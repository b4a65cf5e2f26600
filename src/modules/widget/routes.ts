/**
 * The widget's public surface: its configuration, the script that embeds it, the demo site at / and
 * the privacy policy page. Built files come from dist/web (npm run build).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../http/errors.js';
import { localeSchema } from '../chat/schema.js';
import { widgetConfigFor, type WidgetSettings } from './settings.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
const STATIC_TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  woff2: 'font/woff2',
};

function currentBundle(widgetDir: string): string | undefined {
  try {
    const manifest = JSON.parse(fs.readFileSync(path.join(widgetDir, 'manifest.json'), 'utf8')) as Record<
      string,
      string
    >;
    return manifest['widget.js'];
  } catch {
    return undefined;
  }
}
const SHORT = 'public, max-age=300';

export interface WidgetRouteOptions {
  settings: WidgetSettings;
  /** dist/web: widget/ (bundle, loader.js) and demo/ (the landing page). */
  webDir: string;
  privacyPage?: (locale: 'pl' | 'en') => string;
}

function sendFileOr404(reply: FastifyReply, file: string, type: string, cacheControl: string) {
  if (!fs.existsSync(file)) {
    throw new NotFoundError('The web apps are not built. Run `npm run build` (npm start does it for you).');
  }
  return reply.header('cache-control', cacheControl).type(type).send(fs.createReadStream(file));
}

export function widgetRoutes(options: WidgetRouteOptions): FastifyPluginAsync {
  const widgetDir = path.join(options.webDir, 'widget');
  const demoDir = path.join(options.webDir, 'demo');
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/v1/widget/config',
      {
        schema: {
          tags: ['widget'],
          summary: "The widget's appearance, greeting and consent notice",
          querystring: z.strictObject({ locale: localeSchema.optional() }),
        },
      },
      async (request, reply) => {
        reply.header('cache-control', SHORT);
        return widgetConfigFor(options.settings, request.query.locale ?? 'pl');
      },
    );

    r.get('/widget.js', { schema: { hide: true } }, async (_req, reply) =>
      sendFileOr404(reply, path.join(widgetDir, 'loader.js'), 'application/javascript; charset=utf-8', SHORT),
    );

    // Bundles are looked up per request, so a build that lands while the server runs is served at
    // once. A bundle name from an older deploy (a page that cached an old loader) is redirected to
    // the current one instead of failing.
    r.get(
      '/assets/:file',
      { schema: { hide: true, params: z.object({ file: z.string().max(100) }) } },
      async (request, reply) => {
        const { file } = request.params;
        if (!/^widget-[0-9a-f]{6,64}\.js$/.test(file)) throw new NotFoundError('No such asset.');
        const bundlePath = path.join(widgetDir, file);
        if (fs.existsSync(bundlePath)) {
          return sendFileOr404(reply, bundlePath, 'application/javascript; charset=utf-8', IMMUTABLE);
        }
        const current = currentBundle(widgetDir);
        if (!current) throw new NotFoundError('No such asset.');
        return reply.header('cache-control', 'no-cache').redirect(`/assets/${current}`, 302);
      },
    );
    r.get(
      '/static/:file',
      { schema: { hide: true, params: z.object({ file: z.string().max(200) }) } },
      async (request, reply) => {
        const { file } = request.params;
        const match = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.(css|svg|png|jpg|webp|woff2)$/.exec(file);
        if (!match) throw new NotFoundError('No such file.');
        return sendFileOr404(reply, path.join(demoDir, 'static', file), STATIC_TYPES[match[1]!]!, IMMUTABLE);
      },
    );

    r.get('/', { schema: { hide: true } }, async (_req, reply) =>
      sendFileOr404(reply, path.join(demoDir, 'index.html'), 'text/html; charset=utf-8', 'no-cache'),
    );
    r.get('/favicon.svg', { schema: { hide: true } }, async (_req, reply) =>
      sendFileOr404(reply, path.join(demoDir, 'favicon.svg'), 'image/svg+xml', SHORT),
    );
    if (options.privacyPage) {
      const page = options.privacyPage;
      r.get(
        '/privacy',
        { schema: { hide: true, querystring: z.strictObject({ lang: localeSchema.optional() }) } },
        async (request, reply) =>
          reply
            .header('cache-control', SHORT)
            .type('text/html; charset=utf-8')
            .send(page(request.query.lang ?? 'pl')),
      );
    }
  };
}
