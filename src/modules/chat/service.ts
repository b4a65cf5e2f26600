/** Conversations: sessions, turns and transcripts. */
import crypto from 'node:crypto';
import { ConflictError, NotFoundError } from '../../http/errors.js';
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { Metrics } from '../../platform/metrics.js';
import type { Assistant, AssistantTurn, AssistantUsage, RespondOptions } from '../assistant/port.js';
import type { LeadService } from '../leads/service.js';
import type { Locale } from '../knowledge/types.js';
import { createChatRepository, type NewMessage, type SessionRow } from './repository.js';
import type { ChatResponse, Transcript } from './schema.js';
import { createTurnWriter } from './turn-writer.js';

export class SessionNotFoundError extends NotFoundError {
  constructor() {
    super('This conversation does not exist or has expired. Start a new one.', 'session_not_found');
  }
}

function hashSecret(secret: string): string {
  return crypto.hash('sha256', secret, 'base64url');
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
  /** The visitor's address, for abuse control. */
  clientIp?: string;
  /** Receives the reply as it is written (POST /api/v1/chat/stream); the turn is stored as usual. */
  stream?: ChatStreamSink;
  /** When the message arrived (set by handleMessage when absent). */
  receivedAt?: Date;
}

/** Where a streamed reply goes: the session first, then the text as it is written. */
export interface ChatStreamSink {
  meta(info: { sessionId: string; sessionSecret?: string; locale: Locale }): void;
  delta(text: string): void;
}

function streamOptions(
  sink: ChatStreamSink | undefined,
  session: { sessionId: string; sessionSecret?: string },
): RespondOptions | undefined {
  if (!sink) return undefined;
  return {
    onStart: ({ locale }) => sink.meta({ ...session, locale }),
    onDelta: (text) => sink.delta(text),
  };
}

/** Abuse control around the chat (the abuse module): message pacing and abusive turns. */
export interface ChatGuard {
  /** Throws (429 too_fast) when the session's previous message came too recently. */
  checkPace(sessionId: string): Promise<void>;
  /** The assistant flagged this turn as abusive. Never throws. */
  reportAbuse(subject: { sessionId: string; ip?: string }): Promise<void>;
}

/** What a turn's handoff did: queued for an operator, and a note for the customer (e.g. outside hours). */
export interface HandoffOutcome {
  status: 'waiting' | 'claimed';
  /** Added to the assistant's reply (and stored in the transcript by the live side). */
  note?: string;
}

/**
 * The live side of conversations (the handoff module): operator ownership, the handoff queue and
 * live events for staff. Without it the assistant answers every message.
 */
export interface ChatLiveHooks {
  /**
   * An operator owns the conversation: stores the customer's message without an assistant reply and
   * returns the response; undefined when the session changed since it was read (reload and retry).
   */
  customerMessageWhileClaimed(
    session: { id: string; version: number; locale: string },
    text: string,
  ): Promise<ChatResponse | undefined>;
  /** The assistant asked for a person: queues the conversation, in the turn's transaction. */
  handoffRequested(
    tx: QueryRunner,
    input: { sessionId: string; locale: Locale; reason: string; turn: AssistantTurn; customerText: string },
  ): Promise<HandoffOutcome | undefined>;
  /** A turn was stored: tells staff watching live. Never throws. */
  turnStored(input: { sessionId: string; customerText: string; turn: AssistantTurn }): void;
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
  guard?: ChatGuard;
  live?: ChatLiveHooks;
}) {
  const { db, assistant, leads, metrics, guard, live } = deps;
  const reportIfAbusive = async (sessionId: string, turn: AssistantTurn, req: ChatTurnRequest) => {
    if (guard && turn.actions.some((a) => a.type === 'abuse')) {
      await guard.reportAbuse({ sessionId, ip: req.clientIp });
    }
  };
  const repository = createChatRepository(db);
  const turns = createTurnWriter(db);
  const sessions = new SessionCache();

  /** Side effects of a turn that must commit together with it (today: the lead). */
  async function applyActions(
    tx: QueryRunner,
    sessionId: string,
    turn: AssistantTurn,
    clientIp?: string,
  ): Promise<void> {
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
        clientIp,
      },
      tx,
    );
  }

  const needsTransaction = (turn: AssistantTurn) =>
    turn.actions.some((a) => a.type === 'save_lead' || (live !== undefined && a.type === 'handoff'));

  /** Queues the conversation for an operator when the assistant asked for one. */
  async function openHandoff(
    q: QueryRunner,
    sessionId: string,
    turn: AssistantTurn,
    customerText: string,
  ): Promise<HandoffOutcome | undefined> {
    const action = turn.actions.find((a) => a.type === 'handoff');
    if (!live || !action || action.type !== 'handoff') return undefined;
    return live.handoffRequested(q, {
      sessionId,
      locale: turn.locale,
      reason: action.reason,
      turn,
      customerText,
    });
  }

  /** Adds a turn's LLM tokens and cost to its conversation. */
  async function recordUsage(sessionId: string, usage: AssistantUsage | undefined): Promise<void> {
    if (!usage || usage.tokensIn + usage.tokensOut + usage.costUsd === 0) return;
    await db.query(
      `UPDATE chat_sessions SET llm_tokens_in = llm_tokens_in + $2, llm_tokens_out = llm_tokens_out + $3,
              llm_cost_usd = llm_cost_usd + $4 WHERE id = $1`,
      [sessionId, usage.tokensIn, usage.tokensOut, usage.costUsd],
    );
  }

  async function startConversation(req: ChatTurnRequest): Promise<ChatResponse> {
    const id = newSessionId();
    const secret = crypto.randomBytes(32).toString('base64url');
    const turn = await assistant.respond(
      { message: req.message, state: null, localeHint: req.locale },
      streamOptions(req.stream, { sessionId: id, sessionSecret: secret }),
    );
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
      turnMessages(req.message, turn, req.receivedAt),
    );
    sessions.set({
      id,
      secretHash: hashSecret(secret),
      channel,
      locale: turn.locale,
      status: 'active',
      state: turn.state,
      version: 1,
      messageCount: 2,
      handoffStatus: null,
    });
    await recordUsage(id, turn.usage);
    const handoff = await openHandoff(db, id, turn, req.message);
    live?.turnStored({ sessionId: id, customerText: req.message, turn });
    metrics.conversationsStarted.inc({ channel });
    metrics.chatTurns.inc({ engine: turn.engine, channel });
    await guard?.checkPace(id);
    await reportIfAbusive(id, turn, req);
    return toResponse(id, turn, secret, handoff);
  }

  async function continueConversation(req: ChatTurnRequest & { sessionId: string }): Promise<ChatResponse> {
    for (let attempt = 0; attempt < MAX_VERSION_RETRIES; attempt++) {
      const session =
        (attempt === 0 && sessions.get(req.sessionId)) || (await repository.findSession(req.sessionId));
      if (!session || !secretMatches(req.sessionSecret, session.secretHash)) throw new SessionNotFoundError();
      if (attempt === 0) await guard?.checkPace(session.id);
      if (live && session.handoffStatus === 'claimed') {
        sessions.delete(session.id);
        const silent = await live.customerMessageWhileClaimed(session, req.message);
        if (silent) return silent;
        continue;
      }
      const turn = await assistant.respond(
        {
          message: req.message,
          state: session.state,
          localeHint: req.locale,
          history: (limit) => repository.recentHistory(session.id, limit),
        },
        attempt === 0 ? streamOptions(req.stream, { sessionId: session.id }) : undefined,
      );
      const update = { state: turn.state, locale: turn.locale, engine: turn.engine };
      const messages = turnMessages(req.message, turn, req.receivedAt);
      let handoff: HandoffOutcome | undefined;
      const saved = needsTransaction(turn)
        ? await db.transaction(async (tx) => {
            const ok = await createChatRepository(tx).appendTurn(
              session.id,
              session.version,
              update,
              messages,
            );
            if (ok) await applyActions(tx, session.id, turn, req.clientIp);
            if (ok) handoff = await openHandoff(tx, session.id, turn, req.message);
            return ok;
          })
        : await turns.write({ sessionId: session.id, expectedVersion: session.version, update, messages });
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
        await recordUsage(session.id, turn.usage);
        await reportIfAbusive(session.id, turn, req);
        live?.turnStored({ sessionId: session.id, customerText: req.message, turn });
        return toResponse(session.id, turn, undefined, handoff);
      }
      sessions.delete(session.id);
    }
    throw new ConflictError(
      'This conversation is busy with other messages. Send the message again in a moment.',
      'conversation_busy',
    );
  }

  return {
    /** Answers one customer message, creating the conversation when no session is given. */
    async handleMessage(request: ChatTurnRequest): Promise<ChatResponse> {
      // The customer's message is stored with its arrival time, so reply times can be measured.
      const req = { ...request, receivedAt: request.receivedAt ?? new Date() };
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

    /**
     * Checks a visitor's session id and secret (for routes outside the chat that act for the
     * visitor, like attachments); throws SessionNotFoundError when either is wrong.
     */
    async verifySession(
      sessionId: string,
      secret: string | undefined,
    ): Promise<{ id: string; channel: string; locale: string }> {
      const session = await repository.findSession(sessionId);
      if (!session || !secretMatches(secret, session.secretHash)) throw new SessionNotFoundError();
      return { id: session.id, channel: session.channel, locale: session.locale };
    },

    /** Adds a system line to a transcript (e.g. "attachment received"), in the caller's transaction. */
    async addSystemMessage(
      sessionId: string,
      text: string,
      meta: Record<string, unknown>,
      tx: QueryRunner = db,
    ): Promise<void> {
      await tx.query(
        `WITH s AS (
           UPDATE chat_sessions SET message_count = message_count + 1, last_activity_at = now()
            WHERE id = $1 AND deleted_at IS NULL
            RETURNING id
         )
         INSERT INTO chat_messages (session_id, role, text, meta)
         SELECT s.id, 'system', $2, $3::jsonb FROM s`,
        [sessionId, text, JSON.stringify(meta)],
      );
    },

    ensurePartitions: (monthsAhead: number) => repository.ensurePartitions(monthsAhead),

    /** Drops cached copies of conversations (after erasure or anonymisation elsewhere). */
    forgetSessions(ids: readonly string[]): void {
      for (const id of ids) sessions.delete(id);
    },
  };
}

export type ChatService = ReturnType<typeof createChatService>;

function turnMessages(userText: string, turn: AssistantTurn, receivedAt?: Date): NewMessage[] {
  return [
    { role: 'user', text: userText, ...(receivedAt ? { at: receivedAt } : {}) },
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

function toResponse(
  sessionId: string,
  turn: AssistantTurn,
  secret?: string,
  outcome?: HandoffOutcome,
): ChatResponse {
  const handoff = turn.actions.find((a) => a.type === 'handoff');
  const text = outcome?.note ? `${turn.text}\n\n${outcome.note}` : turn.text;
  return {
    sessionId,
    ...(secret ? { sessionSecret: secret } : {}),
    locale: turn.locale,
    reply: { text, ...(turn.suggestions.length ? { suggestions: turn.suggestions } : {}) },
    ...(turn.quote ? { quote: turn.quote } : {}),
    ...(handoff && handoff.type === 'handoff'
      ? { handoff: { reason: handoff.reason, ...(outcome ? { status: outcome.status } : {}) } }
      : {}),
  };
}
