/** The public chat API: one customer message in, one reply out; the visitor's transcript. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ValidationError } from '../../http/errors.js';
import { chatRequestSchema, chatResponseSchema, sessionIdSchema, transcriptSchema } from './schema.js';
import type { ChatService } from './service.js';

const secretHeader = z.object({ 'x-session-secret': z.string().max(200).optional() });

export function chatRoutes(deps: { chat: ChatService; messageMaxChars: number }): FastifyPluginAsync {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/v1/chat',
      {
        schema: {
          tags: ['chat'],
          summary: 'Send a customer message and get the reply',
          description:
            'Without sessionId a new conversation starts and the response carries sessionSecret once. ' +
            'With sessionId, send the secret in the x-session-secret header.',
          body: chatRequestSchema,
          headers: secretHeader,
          response: { 200: chatResponseSchema },
        },
      },
      async (request) => {
        const { sessionId, message, locale } = request.body;
        if (message.length > deps.messageMaxChars) {
          throw new ValidationError([
            { path: 'message', message: `must be at most ${deps.messageMaxChars} characters` },
          ]);
        }
        return deps.chat.handleMessage({
          sessionId,
          sessionSecret: request.headers['x-session-secret'],
          message,
          locale,
        });
      },
    );
    r.get(
      '/api/v1/chat/:sessionId/messages',
      {
        schema: {
          tags: ['chat'],
          summary: "The visitor's own transcript (needs the session secret)",
          params: z.object({ sessionId: sessionIdSchema }),
          headers: secretHeader,
          response: { 200: transcriptSchema },
        },
      },
      async (request, reply) => {
        reply.header('cache-control', 'no-store');
        return deps.chat.transcript(request.params.sessionId, request.headers['x-session-secret']);
      },
    );
  };
}
