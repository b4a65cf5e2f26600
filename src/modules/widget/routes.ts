/**
 * The widget's public surface: its configuration, the script that embeds it, the demo site at / and
 * the privacy policy page. Built files come from dist/web (npm run build).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../http/errors.js';
import { localeSchema } from '../chat/schema.js';
import { widgetConfigFor, type WidgetSettings } from './settings.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';
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

    if (fs.existsSync(widgetDir)) {
      await app.register(fastifyStatic, {
        root: widgetDir,
        prefix: '/assets/',
        decorateReply: false,
        index: false,
        allowedPath: (pathname) => /^\/?widget-[0-9a-f]+\.js$/.test(pathname),
        setHeaders: (res) => res.setHeader('cache-control', IMMUTABLE),
      });
    }
    if (fs.existsSync(path.join(demoDir, 'static'))) {
      await app.register(fastifyStatic, {
        root: path.join(demoDir, 'static'),
        prefix: '/static/',
        decorateReply: false,
        index: false,
        setHeaders: (res) => res.setHeader('cache-control', IMMUTABLE),
      });
    }

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
