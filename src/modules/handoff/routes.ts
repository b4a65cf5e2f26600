/** The operator API: the handoff queue, claiming, replying, releasing, and conversations for staff. */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { UnauthorizedError } from '../../http/errors.js';
import { auditAs, requireRole } from '../auth/guard.js';
import {
  conversationDetailSchema,
  conversationListQuery,
  conversationSummarySchema,
  handoffSchema,
  operatorMessageSchema,
  sessionParams,
} from './schema.js';
import type { HandoffService, Operator } from './service.js';

const read = requireRole('viewer', { scope: 'conversations:read' });
const write = requireRole('operator', { scope: 'conversations:write' });

function operatorOf(request: FastifyRequest): Operator {
  const staff = request.staff;
  if (!staff) throw new UnauthorizedError();
  return { id: staff.id, role: staff.role };
}

export function handoffRoutes(deps: {
  handoffs: HandoffService;
  messageMaxChars: number;
}): FastifyPluginAsync {
  const { handoffs } = deps;
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const idParams = z.object({ id: z.string().max(100) });

    r.get(
      '/api/v1/admin/handoffs',
      {
        onRequest: read,
        schema: {
          tags: ['handoff'],
          summary: 'The operator queue (oldest first)',
          querystring: z.strictObject({
            status: z.enum(['waiting', 'claimed', 'released', 'closed']).optional(),
          }),
          response: { 200: z.object({ handoffs: z.array(handoffSchema) }) },
        },
      },
      async (request) => ({ handoffs: await handoffs.list(request.query.status) }),
    );

    r.post(
      '/api/v1/admin/handoffs/:id/claim',
      {
        onRequest: write,
        schema: {
          tags: ['handoff'],
          summary: 'Take a waiting conversation (409 already_claimed when another operator was first)',
          params: idParams,
          response: { 200: z.object({ handoff: handoffSchema }) },
        },
      },
      async (request) => {
        const handoff = await handoffs.claim(request.params.id, operatorOf(request));
        auditAs(request, { action: 'handoff.claimed', targetType: 'handoff', targetId: handoff.id });
        return { handoff };
      },
    );

    r.post(
      '/api/v1/admin/handoffs/:id/release',
      {
        onRequest: write,
        schema: {
          tags: ['handoff'],
          summary: 'Give the conversation back to the assistant',
          params: idParams,
          response: { 200: z.object({ handoff: handoffSchema }) },
        },
      },
      async (request) => {
        const handoff = await handoffs.release(request.params.id, operatorOf(request));
        auditAs(request, { action: 'handoff.released', targetType: 'handoff', targetId: handoff.id });
        return { handoff };
      },
    );

    r.get(
      '/api/v1/admin/conversations',
      {
        onRequest: read,
        schema: {
          tags: ['handoff'],
          summary: 'Conversations, most recently active first',
          querystring: conversationListQuery,
          response: {
            200: z.object({
              conversations: z.array(conversationSummarySchema),
              nextBefore: z.string().nullable(),
            }),
          },
        },
      },
      async (request) => {
        const q = request.query;
        const conversations = await handoffs.listConversations({
          limit: q.limit,
          ...(q.status ? { status: q.status } : {}),
          ...(q.hasHandoff !== undefined ? { hasHandoff: q.hasHandoff === 'true' } : {}),
          ...(q.from ? { from: new Date(q.from) } : {}),
          ...(q.to ? { to: new Date(q.to) } : {}),
          ...(q.search ? { search: q.search } : {}),
          ...(q.before ? { before: q.before } : {}),
        });
        const last = conversations[conversations.length - 1];
        return {
          conversations,
          nextBefore: conversations.length === q.limit && last ? last.lastActivityAt : null,
        };
      },
    );

    r.get(
      '/api/v1/admin/conversations/:sessionId',
      {
        onRequest: read,
        schema: {
          tags: ['handoff'],
          summary: 'A transcript with the extracted details, its handoffs and the lead id',
          params: sessionParams,
          response: { 200: conversationDetailSchema },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return handoffs.conversation(request.params.sessionId);
      },
    );

    r.post(
      '/api/v1/admin/conversations/:sessionId/messages',
      {
        onRequest: write,
        schema: {
          tags: ['handoff'],
          summary: "An operator's reply (the conversation must be claimed by the caller)",
          params: sessionParams,
          body: z.strictObject({
            text: z
              .string()
              .max(deps.messageMaxChars, `must be at most ${deps.messageMaxChars} characters`)
              .refine((s) => s.trim().length > 0, 'must not be empty'),
          }),
          response: { 201: z.object({ message: operatorMessageSchema }) },
        },
      },
      async (request, reply) => {
        const message = await handoffs.reply(
          request.params.sessionId,
          operatorOf(request),
          request.body.text,
        );
        auditAs(request, {
          action: 'conversation.operator_message',
          targetType: 'chat_session',
          targetId: request.params.sessionId,
        });
        reply.code(201);
        return {
          message: {
            id: message.id,
            role: 'operator' as const,
            text: message.text,
            createdAt: message.createdAt,
          },
        };
      },
    );

    r.post(
      '/api/v1/admin/conversations/:sessionId/typing',
      {
        onRequest: write,
        schema: {
          tags: ['handoff'],
          summary: 'Show "the consultant is typing" in the customer\'s widget',
          params: sessionParams,
          body: z.strictObject({ active: z.boolean().default(true) }).default({ active: true }),
          response: { 204: z.null() },
        },
      },
      async (request, reply) => {
        await handoffs.typing(request.params.sessionId, operatorOf(request), request.body.active);
        auditAs(request, {
          action: 'conversation.typing',
          targetType: 'chat_session',
          targetId: request.params.sessionId,
        });
        reply.code(204);
        return null;
      },
    );
  };
}
