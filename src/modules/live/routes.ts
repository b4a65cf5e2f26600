/**
 * The WebSockets: /api/v1/ws/chat for the widget (the chat session's secret comes in the first
 * message, never in the URL) and /api/v1/ws/admin for staff (a one-time ticket from
 * POST /api/v1/admin/ws-ticket). The protocol is described in docs/live.md.
 */
import websocket from '@fastify/websocket';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { WebSocket } from 'ws';
import { z } from 'zod';
import { AppError } from '../../http/errors.js';
import { requireRole } from '../auth/guard.js';
import type { LiveEvent, LiveService } from './service.js';

/** Close codes (4000–4999 are the application's). */
export const CLOSE = {
  badRequest: 4400,
  unauthorized: 4401,
  authTimeout: 4408,
  shuttingDown: 1001,
} as const;

const AUTH_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 25_000;
const MAX_MESSAGE_BYTES = 4_096;
const SESSION_ID = /^[A-Za-z0-9_-]{24,64}$/;

const widgetMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('auth'),
    sessionSecret: z.string().min(1).max(200),
    lastEventId: z.number().int().min(0).nullable().optional(),
  }),
  z.object({ type: z.literal('typing'), active: z.boolean() }),
  z.object({ type: z.literal('ping') }),
]);

function wire(event: LiveEvent): string {
  return JSON.stringify({
    id: event.id,
    type: event.type,
    sessionId: event.sessionId,
    at: event.at,
    data: event.data,
  });
}

function parse(raw: unknown): unknown {
  try {
    const text = Buffer.isBuffer(raw) ? raw.toString('utf8') : String(raw);
    return text.length > MAX_MESSAGE_BYTES ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function queryValue(request: FastifyRequest, name: string): string | undefined {
  const value = (request.query as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}

function lastEventIdFrom(value: string | undefined): number | null | 'invalid' {
  if (value === undefined || value === '') return null;
  return /^\d{1,15}$/.test(value) ? Number(value) : 'invalid';
}

/** Pings the client regularly and drops it when it stops answering. */
function heartbeat(socket: WebSocket): () => void {
  let alive = true;
  socket.on('pong', () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) {
      socket.terminate();
      return;
    }
    alive = false;
    socket.ping();
  }, HEARTBEAT_MS);
  timer.unref();
  return () => clearInterval(timer);
}

export function liveRoutes(deps: {
  live: LiveService;
  /** True when the secret belongs to the chat session. */
  verifyWidgetSession(sessionId: string, secret: string): Promise<boolean>;
}): FastifyPluginAsync {
  const { live } = deps;
  return async (app) => {
    await app.register(websocket, { options: { maxPayload: MAX_MESSAGE_BYTES } });
    const sockets = new Set<WebSocket>();
    app.addHook('preClose', async () => {
      for (const socket of sockets) socket.close(CLOSE.shuttingDown, 'server shutting down');
    });
    const track = (socket: WebSocket, cleanup: Array<() => void>) => {
      sockets.add(socket);
      cleanup.push(heartbeat(socket));
      socket.on('close', () => {
        sockets.delete(socket);
        for (const fn of cleanup) fn();
      });
    };

    // A plain HTTP request to a WebSocket route gets the standard error body, not an empty 404.
    const upgradeRequired = async () => {
      throw new AppError(
        'upgrade_required',
        426,
        'This address speaks WebSocket only: open a WebSocket connection.',
      );
    };

    app.route({
      method: 'GET',
      url: '/api/v1/ws/chat',
      handler: upgradeRequired,
      wsHandler: (socket, request) => {
        const sessionId = queryValue(request, 'sessionId') ?? '';
        const cleanup: Array<() => void> = [];
        track(socket, cleanup);
        if (!SESSION_ID.test(sessionId)) {
          socket.close(CLOSE.badRequest, 'sessionId is missing or malformed');
          return;
        }
        let state: 'auth' | 'connecting' | 'open' = 'auth';
        let lastTyping = 0;
        const authTimer = setTimeout(() => {
          if (state === 'auth') socket.close(CLOSE.authTimeout, 'no auth message');
        }, AUTH_TIMEOUT_MS);
        cleanup.push(() => clearTimeout(authTimer));

        socket.on('message', (raw) => {
          const parsed = widgetMessage.safeParse(parse(raw));
          if (!parsed.success) {
            socket.close(CLOSE.badRequest, 'unexpected message');
            return;
          }
          const message = parsed.data;
          if (message.type === 'ping') {
            socket.send(JSON.stringify({ type: 'pong' }));
            return;
          }
          if (message.type === 'typing') {
            const now = Date.now();
            if (state !== 'open' || (message.active && now - lastTyping < 1_000)) return;
            lastTyping = now;
            live.ephemeral({
              sessionId,
              audience: 'staff',
              type: 'typing',
              data: { who: 'customer', active: message.active },
            });
            return;
          }
          if (state !== 'auth') return;
          state = 'connecting';
          void (async () => {
            try {
              if (!(await deps.verifyWidgetSession(sessionId, message.sessionSecret))) {
                socket.close(CLOSE.unauthorized, 'unknown session or wrong secret');
                return;
              }
              if (socket.readyState !== socket.OPEN) return;
              const detach = await live.attach(
                {
                  wants: (e) => e.sessionId === sessionId && e.audience === 'all',
                  send: (e) => socket.send(wire(e)),
                },
                'widget',
                message.lastEventId ?? 0,
                live.replaySession(sessionId),
              );
              cleanup.push(detach);
              if (socket.readyState !== socket.OPEN) {
                detach();
                return;
              }
              state = 'open';
              socket.send(JSON.stringify({ type: 'ready' }));
            } catch (err) {
              request.log.warn({ err, sessionId }, 'opening a widget WebSocket failed');
              socket.close(1011, 'internal error');
            }
          })();
        });
      },
    });

    app.route({
      method: 'GET',
      url: '/api/v1/ws/admin',
      handler: upgradeRequired,
      wsHandler: (socket, request) => {
        const cleanup: Array<() => void> = [];
        track(socket, cleanup);
        const lastEventId = lastEventIdFrom(queryValue(request, 'lastEventId'));
        if (lastEventId === 'invalid') {
          socket.close(CLOSE.badRequest, 'lastEventId must be a number');
          return;
        }
        socket.on('message', (raw) => {
          const message = parse(raw) as { type?: unknown } | undefined;
          if (message?.type === 'ping') socket.send(JSON.stringify({ type: 'pong' }));
        });
        void (async () => {
          try {
            const staff = await live.redeemTicket(queryValue(request, 'ticket') ?? '');
            if (!staff) {
              socket.close(CLOSE.unauthorized, 'the ticket is unknown, used or expired');
              return;
            }
            if (socket.readyState !== socket.OPEN) return;
            const detach = await live.attach(
              { wants: () => true, send: (e) => socket.send(wire(e)) },
              'admin',
              lastEventId,
              live.replayAll,
            );
            cleanup.push(detach);
            if (socket.readyState !== socket.OPEN) {
              detach();
              return;
            }
            socket.send(JSON.stringify({ type: 'ready', role: staff.role }));
          } catch (err) {
            request.log.warn({ err }, 'opening an admin WebSocket failed');
            socket.close(1011, 'internal error');
          }
        })();
      },
    });

    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/v1/admin/ws-ticket',
      {
        onRequest: requireRole('viewer', { via: 'session' }),
        schema: {
          tags: ['live'],
          summary: 'A one-time ticket for the admin WebSocket',
          description:
            'Signed-in staff only (cookie session + x-csrf-token). Connect to the returned url within ' +
            'expiresInSeconds; the ticket works once.',
          response: {
            200: z.object({ ticket: z.string(), expiresInSeconds: z.number(), url: z.string() }),
          },
        },
      },
      async (request) => {
        const staff = request.staff;
        const { ticket, expiresInSeconds } = await live.createTicket({
          staffKind: staff?.kind === 'token' ? 'token' : 'user',
          staffId: staff?.id ?? null,
          role: staff?.role ?? 'viewer',
        });
        return { ticket, expiresInSeconds, url: `/api/v1/ws/admin?ticket=${encodeURIComponent(ticket)}` };
      },
    );
  };
}
