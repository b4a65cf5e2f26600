/** Admin API of the outbox: the dead letters (effects that used up their attempts). */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotFoundError } from '../../http/errors.js';
import { auditAs, requireRole } from '../auth/guard.js';
import type { IntegrationService } from './service.js';

const deadLetterSchema = z.object({
  id: z.string(),
  kind: z.string(),
  eventId: z.string(),
  payload: z.record(z.string(), z.unknown()),
  error: z.string().nullable(),
  failedAt: z.string(),
});

const idParams = z.object({ id: z.uuid('must be a dead-letter id') });

class DeadLetterNotFoundError extends NotFoundError {
  constructor() {
    super(
      'This dead letter does not exist (it may have been redriven or discarded already).',
      'dead_letter_not_found',
    );
  }
}

export function integrationRoutes(deps: { integrations: IntegrationService }): FastifyPluginAsync {
  const { deadLetters } = deps.integrations;
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/v1/admin/dead-letters',
      {
        onRequest: requireRole('admin'),
        schema: {
          tags: ['integrations'],
          summary: 'Effects that used up their delivery attempts, newest first',
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.object({ deadLetters: z.array(deadLetterSchema) }) },
        },
      },
      async (request) => ({ deadLetters: await deadLetters.list(request.query.limit) }),
    );
    r.get(
      '/api/v1/admin/integrations/status',
      {
        onRequest: requireRole('admin', { scope: 'admin:*' }),
        schema: {
          tags: ['integrations'],
          summary: 'Each outside provider: configured or not, and the state of its circuit breaker',
          querystring: z.strictObject({}),
          response: {
            200: z.object({
              adapters: z.array(
                z.object({
                  adapter: z.string(),
                  configured: z.boolean(),
                  breaker: z.enum(['closed', 'open', 'half-open']).nullable(),
                }),
              ),
            }),
          },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return { adapters: deps.integrations.status() };
      },
    );
    r.post(
      '/api/v1/admin/dead-letters/:id/redrive',
      {
        onRequest: requireRole('admin'),
        schema: {
          tags: ['integrations'],
          summary: 'Queue a dead letter again with fresh attempts (same event id)',
          params: idParams,
          response: { 202: z.object({ redriven: z.literal(true) }) },
        },
      },
      async (request, reply) => {
        const letter = await deadLetters.get(request.params.id);
        if (!letter || !(await deadLetters.redrive(request.params.id))) throw new DeadLetterNotFoundError();
        auditAs(request, {
          action: 'dead_letter.redriven',
          targetType: 'dead_letter',
          targetId: request.params.id,
          details: { kind: letter.kind, eventId: letter.eventId },
        });
        reply.code(202);
        return { redriven: true as const };
      },
    );
    r.delete(
      '/api/v1/admin/dead-letters/:id',
      {
        onRequest: requireRole('admin'),
        schema: {
          tags: ['integrations'],
          summary: 'Discard a dead letter for good (recorded in the audit log)',
          params: idParams,
          response: { 200: z.object({ discarded: z.literal(true) }) },
        },
      },
      async (request) => {
        const letter = await deadLetters.get(request.params.id);
        if (!letter || !(await deadLetters.discard(request.params.id))) throw new DeadLetterNotFoundError();
        auditAs(request, {
          action: 'dead_letter.discarded',
          targetType: 'dead_letter',
          targetId: request.params.id,
          details: { kind: letter.kind, eventId: letter.eventId, leadId: letter.payload.leadId ?? null },
        });
        return { discarded: true as const };
      },
    );
  };
}
