/** The blocklist admin API (admin role; `admin:*` for API tokens). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { auditAs, requireRole } from '../auth/guard.js';
import { blockEntrySchema, blockIdParamsSchema, blockListSchema, newBlockSchema } from './schema.js';
import type { AbuseService } from './service.js';

const admin = () => requireRole('admin', { scope: 'admin:*' });

export function abuseRoutes(deps: { abuse: AbuseService }): FastifyPluginAsync {
  const { abuse } = deps;
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/v1/admin/blocklist',
      {
        onRequest: admin(),
        schema: {
          tags: ['abuse'],
          summary: 'Blocked client addresses and chat sessions (in force, and recently ended)',
          response: { 200: blockListSchema },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return { entries: await abuse.list() };
      },
    );

    r.post(
      '/api/v1/admin/blocklist',
      {
        onRequest: admin(),
        schema: {
          tags: ['abuse'],
          summary: 'Block a client address or a chat session for some minutes',
          body: newBlockSchema,
          response: { 201: blockEntrySchema },
        },
      },
      async (request, reply) => {
        const staff = request.staff;
        const entry = await abuse.add({
          ...request.body,
          createdBy: staff ? `${staff.kind}:${staff.id}` : 'system',
        });
        auditAs(request, {
          action: 'blocklist.added',
          targetType: 'blocklist',
          targetId: entry.id,
          details: { kind: entry.kind, minutes: request.body.minutes },
        });
        return reply.code(201).send(entry);
      },
    );

    r.delete(
      '/api/v1/admin/blocklist/:id',
      {
        onRequest: admin(),
        schema: {
          tags: ['abuse'],
          summary: 'Lift a block',
          params: blockIdParamsSchema,
        },
      },
      async (request, reply) => {
        const entry = await abuse.remove(request.params.id);
        auditAs(request, {
          action: 'blocklist.removed',
          targetType: 'blocklist',
          targetId: entry.id,
          details: { kind: entry.kind },
        });
        return reply.code(204).send();
      },
    );
  };
}
