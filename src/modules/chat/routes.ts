/** The public chat API: one customer message in, one reply out; the visitor's transcript. */
import type { FastifyPluginAsync } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, ValidationError } from '../../http/errors.js';
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
          clientIp: request.ip,
        });
      },
    );
    r.post(
      '/api/v1/chat/stream',
      {
        schema: {
          tags: ['chat'],
          summary: 'Send a customer message and get the reply as it is written (server-sent events)',
          description:
            'Same body and headers as POST /api/v1/chat. Answers text/event-stream with the events ' +
            '`meta` {sessionId, sessionSecret?, locale}, `delta` {text} (repeated), then `done` (the same JSON ' +
            'as POST /api/v1/chat; its reply.text is the final text) or `error` {error, message, requestId}. ' +
            'A failure before the first event is an ordinary JSON error response. The turn is stored even ' +
            'when the client disconnects.',
          body: chatRequestSchema,
          headers: secretHeader,
          produces: ['text/event-stream'],
        },
      },
      async (request, reply) => {
        const { sessionId, message, locale } = request.body;
        if (message.length > deps.messageMaxChars) {
          throw new ValidationError([
            { path: 'message', message: `must be at most ${deps.messageMaxChars} characters` },
          ]);
        }
        const out = reply.raw;
        let started = false;
        const send = (event: string, data: unknown) => {
          if (!started) {
            started = true;
            reply.hijack();
            out.writeHead(200, {
              ...(reply.getHeaders() as Record<string, string>),
              'content-type': 'text/event-stream; charset=utf-8',
              'cache-control': 'no-store',
              'x-accel-buffering': 'no',
              'x-request-id': request.id,
            });
          }
          // A visitor who left does not stop the turn: it is still written to the transcript.
          if (out.destroyed || out.writableEnded) return;
          out.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        };
        let metaSent = false;
        try {
          const response = await deps.chat.handleMessage({
            sessionId,
            sessionSecret: request.headers['x-session-secret'],
            message,
            locale,
            clientIp: request.ip,
            stream: {
              meta: (info) => {
                metaSent = true;
                send('meta', info);
              },
              delta: (text) => send('delta', { text }),
            },
          });
          if (!metaSent) {
            send('meta', {
              sessionId: response.sessionId,
              ...(response.sessionSecret ? { sessionSecret: response.sessionSecret } : {}),
              locale: response.locale,
            });
          }
          send('done', response);
        } catch (err) {
          if (!started) throw err;
          if (err instanceof AppError) {
            send('error', { error: err.code, message: err.message, requestId: request.id });
          } else {
            request.log.error({ err }, 'streamed chat turn failed');
            send('error', {
              error: 'internal_error',
              message: 'The reply could not be completed. Please send the message again.',
              requestId: request.id,
            });
          }
        }
        if (started && !out.writableEnded) out.end();
        return reply;
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
