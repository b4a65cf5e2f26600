/**
 * The knowledge admin API: packages and FAQ entries as the assistant uses them now, edits that take
 * effect at once, and the customer questions the assistant could not answer.
 *
 * Reading and FAQ edits need an operator (API tokens: `knowledge:read` / `knowledge:write`); package
 * prices and texts are the business's offer and need an admin.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { auditAs, requireRole } from '../auth/guard.js';
import type { KnowledgeAdminService } from './service.js';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const localized = (max: number) => z.strictObject({ pl: text(max), en: text(max) });
const localizedList = z.strictObject({
  pl: z.array(text(300)).min(1).max(30),
  en: z.array(text(300)).min(1).max(30),
});
const localizedOut = z.object({ pl: z.string(), en: z.string() });
const tags = z.array(text(60)).max(20);
const idParam = z.strictObject({
  id: z
    .string()
    .max(80)
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'must use only lower-case letters, digits, "-" and "_"'),
});

const packageView = z.object({
  id: z.string(),
  name: z.string(),
  aliases: z.array(z.string()),
  pricePerM2: z.object({ min: z.number(), max: z.number(), currency: z.string() }),
  durationWeeks: z.object({ min: z.number(), max: z.number() }).optional(),
  summary: localizedOut,
  includes: z.object({ pl: z.array(z.string()), en: z.array(z.string()) }),
  source: z
    .object({
      summary: localizedOut,
      includes: z.object({ pl: z.array(z.string()), en: z.array(z.string()) }),
    })
    .nullable()
    .describe('The texts as written in packages.yaml, placeholders included'),
});

const faqView = z.object({
  id: z.string(),
  topic: z.string(),
  tags: z.array(z.string()),
  question: localizedOut,
  answer: localizedOut,
  file: z
    .string()
    .nullable()
    .describe('The YAML file under faq/ that holds the entry; null for Markdown entries'),
  editable: z.boolean(),
  source: z.object({ question: localizedOut, answer: localizedOut }).nullable(),
});

const groupView = z.object({
  id: z.string(),
  terms: z.array(z.string()),
  locale: z.enum(['pl', 'en']),
  count: z.number(),
  conversations: z.number(),
  firstAskedAt: z.string(),
  lastAskedAt: z.string(),
  examples: z
    .array(z.string())
    .describe('Up to five questions, most recent first; e-mails and phones masked'),
  closest: z.object({ id: z.string(), question: z.string(), score: z.number() }).nullable(),
});

const packagePatch = z
  .strictObject({
    pricePerM2: z
      .strictObject({ min: z.number().positive().max(1_000_000), max: z.number().positive().max(1_000_000) })
      .refine((p) => p.min <= p.max, { message: 'min must not be greater than max', path: ['max'] })
      .optional(),
    summary: localized(1000).optional(),
    includes: localizedList.optional(),
  })
  .refine((p) => p.pricePerM2 || p.summary || p.includes, 'nothing to change');

const faqBody = z.strictObject({
  tags: tags.optional(),
  question: localized(500),
  answer: localized(5000),
});

const faqCreateBody = faqBody.extend({
  id: idParam.shape.id.optional(),
  fromGroup: z
    .string()
    .regex(/^q[0-9a-f]{12}$/, 'must be a group id from GET /api/v1/admin/knowledge/unanswered')
    .optional(),
});

const READ = { onRequest: requireRole('operator', { scope: 'knowledge:read' }) };
const WRITE_FAQ = { onRequest: requireRole('operator', { scope: 'knowledge:write' }) };
const WRITE_PACKAGES = { onRequest: requireRole('admin', { scope: 'knowledge:write' }) };

export function knowledgeAdminRoutes(deps: { knowledgeAdmin: KnowledgeAdminService }): FastifyPluginAsync {
  const svc = deps.knowledgeAdmin;
  return async (fastify) => {
    const app = fastify.withTypeProvider<ZodTypeProvider>();

    app.get(
      '/api/v1/admin/knowledge/packages',
      {
        ...READ,
        schema: {
          tags: ['knowledge'],
          summary: 'The packages as the assistant uses them now',
          response: { 200: z.object({ packages: z.array(packageView) }) },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return { packages: await svc.packages() };
      },
    );

    app.patch(
      '/api/v1/admin/knowledge/packages/:id',
      {
        ...WRITE_PACKAGES,
        schema: {
          tags: ['knowledge'],
          summary: "Change a package's price per m², summary or inclusions (packages.yaml; live at once)",
          params: idParam,
          body: packagePatch,
          response: { 200: packageView },
        },
      },
      async (request) => {
        const view = await svc.updatePackage(request.params.id, request.body);
        auditAs(request, {
          action: 'knowledge.package_updated',
          targetType: 'package',
          targetId: request.params.id,
          details: { fields: Object.keys(request.body) },
        });
        return view;
      },
    );

    app.get(
      '/api/v1/admin/knowledge/faq',
      {
        ...READ,
        schema: {
          tags: ['knowledge'],
          summary: 'The FAQ entries as the assistant uses them now',
          response: { 200: z.object({ entries: z.array(faqView) }) },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return { entries: await svc.faq() };
      },
    );

    app.post(
      '/api/v1/admin/knowledge/faq',
      {
        ...WRITE_FAQ,
        schema: {
          tags: ['knowledge'],
          summary:
            'Add an FAQ entry (to faq/panel.yaml; live at once), optionally from an unanswered-questions group',
          body: faqCreateBody,
          response: { 201: faqView },
        },
      },
      async (request, reply) => {
        const view = await svc.createFaq(request.body);
        auditAs(request, {
          action: 'knowledge.faq_created',
          targetType: 'faq',
          targetId: view.id,
          ...(request.body.fromGroup ? { details: { fromGroup: request.body.fromGroup } } : {}),
        });
        return reply.code(201).send(view);
      },
    );

    app.put(
      '/api/v1/admin/knowledge/faq/:id',
      {
        ...WRITE_FAQ,
        schema: {
          tags: ['knowledge'],
          summary: "Replace an FAQ entry's questions, answers and tags (live at once)",
          params: idParam,
          body: faqBody,
          response: { 200: faqView },
        },
      },
      async (request) => {
        const view = await svc.updateFaq(request.params.id, request.body);
        auditAs(request, { action: 'knowledge.faq_updated', targetType: 'faq', targetId: request.params.id });
        return view;
      },
    );

    app.delete(
      '/api/v1/admin/knowledge/faq/:id',
      {
        ...WRITE_FAQ,
        schema: {
          tags: ['knowledge'],
          summary: 'Remove an FAQ entry (live at once)',
          params: idParam,
        },
      },
      async (request, reply) => {
        await svc.deleteFaq(request.params.id);
        auditAs(request, { action: 'knowledge.faq_deleted', targetType: 'faq', targetId: request.params.id });
        return reply.code(204).send();
      },
    );

    app.get(
      '/api/v1/admin/knowledge/unanswered',
      {
        ...READ,
        schema: {
          tags: ['knowledge'],
          summary: 'Customer questions the assistant could not answer (last 180 days), grouped by similarity',
          response: { 200: z.object({ windowDays: z.number(), groups: z.array(groupView) }) },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return { windowDays: 180, groups: await svc.unanswered() };
      },
    );
  };
}
