/** Conversations: sessions, turns and transcripts. */
import crypto from 'node:crypto';
import { NotFoundError } from '../../http/errors.js';
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { Metrics } from '../../platform/metrics.js';
import type { Assistant, AssistantTurn } from '../assistant/port.js';
import type { LeadService } from '../leads/service.js';
import type { Locale } from '../knowledge/types.js';
import { createChatRepository, type NewMessage, type SessionRow } from './repository.js';
import type { ChatResponse, Transcript } from './schema.js';

export class SessionNotFoundError extends NotFoundError {
  constructor() {
    super('This conversation does not exist or has expired. Start a new one.', 'session_not_found');
  }
}

function hashSecret(secret: string): string {
  return crypto.createHash('sha256').update(secret).digest('base64url');
}

function secretMatches(secret: string | undefined, hash: string): boolean {
  if (!secret) return false;
  const a = Buffer.from(hashSecret(secret));
  const b = Buffer.from(hash);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** 144 random bits: unguessable session ids. */
export function newSessionId(): string {
  return crypto.randomBytes(18).toString('base64url');
}

export interface ChatTurnRequest {
  sessionId?: string;
  sessionSecret?: string;
  message: string;
  locale?: Locale;
  channel?: 'web' | 'phone';
}

const MAX_VERSION_RETRIES = 5;
const SESSION_CACHE_SIZE = 20_000;

/**
 * Recently used sessions, so a turn needs one database statement instead of two. An entry may be
 * stale (another replica wrote a turn or changed the session): the versioned write then fails, the
 * entry is dropped and the session is read again. The database stays the source of truth.
 */
class SessionCache {
  private readonly map = new Map<string, SessionRow>();
  get(id: string): SessionRow | undefined {
    const row = this.map.get(id);
    if (row) {
      this.map.delete(id);
      this.map.set(id, row);
    }
    return row;
  }
  set(row: SessionRow): void {
    this.map.delete(row.id);
    this.map.set(row.id, row);
    if (this.map.size > SESSION_CACHE_SIZE) this.map.delete(this.map.keys().next().value as string);
  }
  delete(id: string): void {
    this.map.delete(id);
  }
}

export function createChatService(deps: {
  db: Database;
  assistant: Assistant;
  leads: LeadService;
  metrics: Metrics;
}) {
  const { db, assistant, leads, metrics } = deps;
  const repository = createChatRepository(db);
  const sessions = new SessionCache();

  /** Side effects of a turn that must commit together with it (today: the lead). */
  async function applyActions(tx: QueryRunner, sessionId: string, turn: AssistantTurn): Promise<void> {
    if (!turn.actions.some((a) => a.type === 'save_lead') || turn.consent.processing !== true) return;
    await leads.saveFromConversation(
      {
        sessionId,
        locale: turn.locale,
        details: turn.details,
        marketingConsent: turn.consent.marketing === true,
        quote: turn.quote ?? null,
        inServiceArea: turn.inServiceArea,
        bookingRequested: turn.intent === 'booking',
      },
      tx,
    );
  }

  const needsTransaction = (turn: AssistantTurn) => turn.actions.some((a) => a.type === 'save_lead');

  async function startConversation(req: ChatTurnRequest): Promise<ChatResponse> {
    const turn = await assistant.respond({ message: req.message, state: null, localeHint: req.locale });
    const id = newSessionId();
    const secret = crypto.randomBytes(32).toString('base64url');
    const channel = req.channel ?? 'web';
    await repository.createSessionWithMessages(
      {
        id,
        secretHash: hashSecret(secret),
        channel,
        locale: turn.locale,
        state: turn.state,
        engine: turn.engine,
      },
      turnMessages(req.message, turn),
    );
    metrics.conversationsStarted.inc({ channel });
    metrics.chatTurns.inc({ engine: turn.engine, channel });
    return toResponse(id, turn, secret);
  }

  async function continueConversation(req: ChatTurnRequest & { sessionId: string }): Promise<ChatResponse> {
    for (let attempt = 0; attempt < MAX_VERSION_RETRIES; attempt++) {
      const session =
        (attempt === 0 && sessions.get(req.sessionId)) || (await repository.findSession(req.sessionId));
      if (!session || !secretMatches(req.sessionSecret, session.secretHash)) throw new SessionNotFoundError();
      const turn = await assistant.respond({
        message: req.message,
        state: session.state,
        localeHint: req.locale,
      });
      const update = { state: turn.state, locale: turn.locale, engine: turn.engine };
      const messages = turnMessages(req.message, turn);
      const saved = needsTransaction(turn)
        ? await db.transaction(async (tx) => {
            const ok = await createChatRepository(tx).appendTurn(
              session.id,
              session.version,
              update,
              messages,
            );
            if (ok) await applyActions(tx, session.id, turn);
            return ok;
          })
        : await repository.appendTurn(session.id, session.version, update, messages);
      if (saved) {
        sessions.set({
          ...session,
          state: turn.state,
          locale: turn.locale,
          status: 'active',
          version: session.version + 1,
          messageCount: session.messageCount + 2,
        });
        metrics.chatTurns.inc({ engine: turn.engine, channel: session.channel });
        return toResponse(session.id, turn);
      }
      sessions.delete(session.id);
    }
    throw new Error('conversation is being updated concurrently; retries exhausted');
  }

  return {
    /** Answers one customer message, creating the conversation when no session is given. */
    async handleMessage(req: ChatTurnRequest): Promise<ChatResponse> {
      return req.sessionId
        ? continueConversation({ ...req, sessionId: req.sessionId })
        : startConversation(req);
    },

    /** The visitor's own transcript; needs the session's secret. */
    async transcript(sessionId: string, secret: string | undefined): Promise<Transcript> {
      const session = await repository.findSession(sessionId);
      if (!session || !secretMatches(secret, session.secretHash)) throw new SessionNotFoundError();
      const messages = await repository.listMessages(sessionId);
      return {
        sessionId,
        status: session.status,
        locale: session.locale === 'en' ? 'en' : 'pl',
        messages: messages.map((m) => ({
          id: m.id,
          role: m.role,
          text: m.text,
          createdAt: m.createdAt.toISOString(),
          ...(Array.isArray(m.meta?.suggestions) ? { suggestions: m.meta.suggestions as string[] } : {}),
        })),
      };
    },

    ensurePartitions: (monthsAhead: number) => repository.ensurePartitions(monthsAhead),
  };
}

export type ChatService = ReturnType<typeof createChatService>;

function turnMessages(userText: string, turn: AssistantTurn): NewMessage[] {
  return [
    { role: 'user', text: userText },
    {
      role: 'assistant',
      text: turn.text,
      meta: {
        intent: turn.intent,
        engine: turn.engine,
        ...(turn.suggestions.length ? { suggestions: turn.suggestions } : {}),
        ...(turn.quote ? { quote: turn.quote } : {}),
      },
    },
  ];
}

function toResponse(sessionId: string, turn: AssistantTurn, secret?: string): ChatResponse {
  const handoff = turn.actions.find((a) => a.type === 'handoff');
  return {
    sessionId,
    ...(secret ? { sessionSecret: secret } : {}),
    locale: turn.locale,
    reply: { text: turn.text, ...(turn.suggestions.length ? { suggestions: turn.suggestions } : {}) },
    ...(turn.quote ? { quote: turn.quote } : {}),
    ...(handoff && handoff.type === 'handoff' ? { handoff: { reason: handoff.reason } } : {}),
  };
}
