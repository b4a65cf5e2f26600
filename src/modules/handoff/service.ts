/**
 * Human handoff and the conversation lifecycle: the operator queue (claim, reply, release), the
 * assistant's silence while an operator owns a conversation, business hours, idle nudges and
 * timeouts. Every change is written in one transaction together with its live events.
 */
import { ConflictError, NotFoundError } from '../../http/errors.js';
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import type { AssistantTurn } from '../assistant/port.js';
import type { ConversationControl, ConversationFilters, LiveMessage } from '../chat/live.js';
import type { ChatLiveHooks, HandoffOutcome } from '../chat/service.js';
import type { BusinessProfile } from '../knowledge/types.js';
import type { LiveService, NewLiveEvent } from '../live/service.js';
import { formatClock, opening } from './business-hours.js';
import { fill, textsFor, type LiveTexts } from './texts.js';

export type HandoffStatus = 'waiting' | 'claimed' | 'released' | 'closed';

export interface Handoff {
  id: string;
  sessionId: string;
  reason: string;
  status: HandoffStatus;
  summary: string;
  details: Record<string, unknown>;
  outsideHours: boolean;
  claimedBy: string | null;
  createdAt: string;
  claimedAt: string | null;
  releasedAt: string | null;
  closedAt: string | null;
  locale: string;
}

export interface Operator {
  id: string;
  role: string;
}

type HandoffRow = {
  id: string;
  session_id: string;
  reason: string;
  status: HandoffStatus;
  summary: string;
  details: Record<string, unknown>;
  outside_hours: string | null;
  claimed_by: string | null;
  created_at: Date | string;
  claimed_at: Date | string | null;
  released_at: Date | string | null;
  closed_at: Date | string | null;
  locale: string | null;
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const toHandoff = (r: HandoffRow): Handoff => ({
  id: r.id,
  sessionId: r.session_id,
  reason: r.reason,
  status: r.status,
  summary: r.summary,
  details: r.details,
  outsideHours: r.outside_hours !== null,
  claimedBy: r.claimed_by,
  createdAt: new Date(r.created_at).toISOString(),
  claimedAt: iso(r.claimed_at),
  releasedAt: iso(r.released_at),
  closedAt: iso(r.closed_at),
  locale: r.locale ?? 'pl',
});

const HANDOFF_COLUMNS = `h.id, h.session_id, h.reason, h.status, h.summary, h.details, h.outside_hours, h.claimed_by,
  h.created_at, h.claimed_at, h.released_at, h.closed_at, s.locale`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class HandoffNotFoundError extends NotFoundError {
  constructor() {
    super('This handoff does not exist.', 'handoff_not_found');
  }
}

export class ConversationNotFoundError extends NotFoundError {
  constructor() {
    super('This conversation does not exist.', 'conversation_not_found');
  }
}

const messageData = (m: LiveMessage, extra: Record<string, unknown> = {}) => ({
  messageId: m.id,
  role: m.role,
  text: m.text,
  createdAt: m.createdAt,
  ...extra,
});

export function createHandoffService(deps: {
  db: Database;
  live: LiveService;
  control: ConversationControl;
  leads: { findBySession(sessionId: string): Promise<{ id: string } | undefined> };
  business: () => Pick<BusinessProfile, 'hours' | 'timezone' | 'phone'>;
  texts: LiveTexts;
  settings: { nudgeAfterMinutes: number; timeoutAfterMinutes: number };
  logger: Logger;
  /** The clock (injected by tests). */
  now?: () => Date;
}) {
  const { db, live, control, texts, settings } = deps;
  const now = deps.now ?? (() => new Date());

  /** "when someone answers" in the customer's language, or undefined while the business is open. */
  function outsideHoursNote(locale: string): string | undefined {
    const business = deps.business();
    const state = opening(business, now());
    if (state.open) return undefined;
    const t = textsFor(texts, locale);
    if (!state.next) return fill(t.outsideHours, { when: '', phone: business.phone });
    const time = formatClock(state.next.minutes);
    const when =
      state.next.daysAhead === 0
        ? fill(t.today, { time })
        : state.next.daysAhead === 1
          ? fill(t.tomorrow, { time })
          : fill(t.weekday, { day: t.days[state.next.weekday - 1] ?? '', time });
    return fill(t.outsideHours, { when, phone: business.phone });
  }

  async function findHandoff(q: QueryRunner, id: string, lock = false): Promise<Handoff | undefined> {
    if (!UUID.test(id)) return undefined;
    const [row] = await q.query<HandoffRow>(
      `SELECT ${HANDOFF_COLUMNS} FROM handoffs h LEFT JOIN chat_sessions s ON s.id = h.session_id
        WHERE h.id = $1${lock ? ' FOR UPDATE OF h' : ''}`,
      [id],
    );
    return row ? toHandoff(row) : undefined;
  }

  async function openHandoffOf(q: QueryRunner, sessionId: string): Promise<Handoff | undefined> {
    const [row] = await q.query<HandoffRow>(
      `SELECT ${HANDOFF_COLUMNS} FROM handoffs h LEFT JOIN chat_sessions s ON s.id = h.session_id
        WHERE h.session_id = $1 AND h.status IN ('waiting', 'claimed') FOR UPDATE OF h`,
      [sessionId],
    );
    return row ? toHandoff(row) : undefined;
  }

  /** Commits the function's writes and events together, then tells every replica. */
  async function withEvents<T>(fn: (tx: QueryRunner, events: NewLiveEvent[]) => Promise<T>): Promise<T> {
    const result = await db.transaction(async (tx) => {
      const events: NewLiveEvent[] = [];
      const value = await fn(tx, events);
      await live.record(tx, events);
      return value;
    });
    live.announce();
    return result;
  }

  function requireOwner(handoff: Handoff | undefined, operator: Operator): Handoff {
    if (!handoff || handoff.status !== 'claimed') {
      throw new ConflictError('Claim this conversation before answering in it.', 'not_claimed');
    }
    if (handoff.claimedBy !== operator.id && operator.role !== 'admin') {
      throw new ConflictError('Another operator owns this conversation.', 'claimed_by_other');
    }
    return handoff;
  }

  const hooks: ChatLiveHooks = {
    async customerMessageWhileClaimed(session, text) {
      const result = await db.transaction(async (tx) => {
        const message = await control.addCustomerMessage(tx, session.id, session.version, text);
        if (!message) return undefined;
        const handoff = await openHandoffOf(tx, session.id);
        await live.record(tx, [
          { sessionId: session.id, audience: 'staff', type: 'message', data: messageData(message) },
        ]);
        return { handoff };
      });
      if (!result) return undefined;
      live.announce();
      return {
        sessionId: session.id,
        locale: session.locale === 'en' ? 'en' : 'pl',
        reply: null,
        handoff: { reason: result.handoff?.reason ?? 'customer_request', status: 'claimed' },
      };
    },

    async handoffRequested(tx, input): Promise<HandoffOutcome | undefined> {
      const note = outsideHoursNote(input.locale);
      const [created] = await tx.query<{ id: string }>(
        `INSERT INTO handoffs (session_id, reason, summary, details, outside_hours)
         VALUES ($1, $2, $3, $4::jsonb, $5)
         ON CONFLICT (session_id) WHERE status IN ('waiting', 'claimed') DO NOTHING
         RETURNING id`,
        [
          input.sessionId,
          input.reason,
          summarize(input.customerText, input.turn),
          JSON.stringify(detailsOf(input.turn)),
          note ? now().toISOString() : null,
        ],
      );
      if (!created) {
        const existing = await openHandoffOf(tx, input.sessionId);
        return existing?.status === 'claimed' || existing?.status === 'waiting'
          ? { status: existing.status }
          : undefined;
      }
      await control.setHandoffStatus(tx, input.sessionId, 'waiting');
      const t = textsFor(texts, input.locale);
      const events: NewLiveEvent[] = [
        {
          sessionId: input.sessionId,
          audience: 'all',
          type: 'handoff',
          data: { status: 'waiting', reason: input.reason, text: t.handoffWaiting, outsideHours: !!note },
        },
        {
          sessionId: input.sessionId,
          audience: 'staff',
          type: 'queue',
          data: { handoffId: created.id, status: 'waiting', reason: input.reason, outsideHours: !!note },
        },
      ];
      if (note) await control.addNotice(tx, input.sessionId, 'assistant', note, { kind: 'outside_hours' });
      await live.record(tx, events);
      return { status: 'waiting', ...(note ? { note } : {}) };
    },

    turnStored({ sessionId, customerText, turn }) {
      const at = now().toISOString();
      live.publishSoon([
        {
          sessionId,
          audience: 'staff',
          type: 'message',
          data: { role: 'user', text: customerText, createdAt: at },
        },
        {
          sessionId,
          audience: 'staff',
          type: 'message',
          data: { role: 'assistant', text: turn.text, createdAt: at },
        },
      ]);
    },
  };

  return {
    hooks,

    async list(status?: HandoffStatus, limit = 100): Promise<Handoff[]> {
      const rows = await db.query<HandoffRow>(
        `SELECT ${HANDOFF_COLUMNS} FROM handoffs h LEFT JOIN chat_sessions s ON s.id = h.session_id
          WHERE ($1::text IS NULL OR h.status = $1) ORDER BY h.created_at LIMIT $2`,
        [status ?? null, limit],
      );
      return rows.map(toHandoff);
    },

    /** Takes a waiting conversation; of two operators racing, one wins and the other gets 409. */
    async claim(id: string, operator: Operator): Promise<Handoff> {
      return withEvents(async (tx, events) => {
        const [row] = await tx.query<{ session_id: string }>(
          `UPDATE handoffs SET status = 'claimed', claimed_by = $2, claimed_at = now(), updated_at = now()
            WHERE id = $1 AND status = 'waiting' RETURNING session_id`,
          [UUID.test(id) ? id : '00000000-0000-0000-0000-000000000000', operator.id],
        );
        if (!row) {
          const existing = await findHandoff(tx, id);
          if (!existing) throw new HandoffNotFoundError();
          throw new ConflictError(
            existing.status === 'claimed'
              ? 'Another operator has already taken this conversation.'
              : `This handoff is ${existing.status}.`,
            existing.status === 'claimed' ? 'already_claimed' : 'handoff_not_waiting',
          );
        }
        await control.setHandoffStatus(tx, row.session_id, 'claimed');
        const handoff = (await findHandoff(tx, id)) as Handoff;
        const notice = await control.addNotice(
          tx,
          row.session_id,
          'system',
          textsFor(texts, handoff.locale).handoffClaimed,
          { kind: 'handoff_claimed' },
        );
        events.push(
          {
            sessionId: row.session_id,
            audience: 'all',
            type: 'handoff',
            data: { status: 'claimed', ...(notice ? { messageId: notice.id, text: notice.text } : {}) },
          },
          {
            sessionId: row.session_id,
            audience: 'staff',
            type: 'queue',
            data: { handoffId: id, status: 'claimed', claimedBy: operator.id },
          },
        );
        return handoff;
      });
    },

    /** Gives the conversation back to the assistant. */
    async release(id: string, operator: Operator): Promise<Handoff> {
      return withEvents(async (tx, events) => {
        const current = await findHandoff(tx, id, true);
        if (!current) throw new HandoffNotFoundError();
        requireOwner(current, operator);
        await tx.query(
          `UPDATE handoffs SET status = 'released', released_at = now(), updated_at = now() WHERE id = $1`,
          [id],
        );
        await control.setHandoffStatus(tx, current.sessionId, null);
        const notice = await control.addNotice(
          tx,
          current.sessionId,
          'system',
          textsFor(texts, current.locale).handoffReleased,
          { kind: 'handoff_released' },
        );
        events.push(
          {
            sessionId: current.sessionId,
            audience: 'all',
            type: 'handoff',
            data: { status: 'released', ...(notice ? { messageId: notice.id, text: notice.text } : {}) },
          },
          {
            sessionId: current.sessionId,
            audience: 'staff',
            type: 'queue',
            data: { handoffId: id, status: 'released' },
          },
        );
        return (await findHandoff(tx, id)) as Handoff;
      });
    },

    /** An operator's message; it reaches the customer's widget live. */
    async reply(sessionId: string, operator: Operator, text: string): Promise<LiveMessage> {
      return withEvents(async (tx, events) => {
        requireOwner(await openHandoffOf(tx, sessionId), operator);
        const message = await control.addOperatorMessage(tx, sessionId, text, operator.id);
        if (!message) throw new ConversationNotFoundError();
        events.push({ sessionId, audience: 'all', type: 'message', data: messageData(message) });
        return message;
      });
    },

    /** Shows (or hides) "the consultant is typing" in the customer's widget. */
    async typing(sessionId: string, operator: Operator, active: boolean): Promise<void> {
      const handoff = await openHandoffOf(db, sessionId);
      requireOwner(handoff, operator);
      live.ephemeral({ sessionId, audience: 'all', type: 'typing', data: { who: 'operator', active } });
    },

    listConversations: (filters: ConversationFilters) =>
      control.list({ ...filters, ...(filters.search ? { search: escapeLike(filters.search) } : {}) }),

    /** The transcript for staff, with the extracted details, handoffs and the lead, if any. */
    async conversation(sessionId: string) {
      const session = await control.session(sessionId);
      if (!session) throw new ConversationNotFoundError();
      const [messages, handoffRows, lead] = await Promise.all([
        control.messages(sessionId),
        db.query<HandoffRow>(
          `SELECT ${HANDOFF_COLUMNS} FROM handoffs h LEFT JOIN chat_sessions s ON s.id = h.session_id
            WHERE h.session_id = $1 ORDER BY h.created_at`,
          [sessionId],
        ),
        deps.leads.findBySession(sessionId),
      ]);
      const handoffList = handoffRows.map(toHandoff);
      const latest = handoffList[handoffList.length - 1];
      return {
        session,
        messages: messages.map((m) => ({
          id: m.id,
          role: m.role,
          text: m.text,
          createdAt: m.createdAt,
          ...(typeof m.meta?.kind === 'string' ? { kind: m.meta.kind } : {}),
          ...(typeof m.meta?.operatorId === 'string' ? { operatorId: m.meta.operatorId } : {}),
        })),
        details: latest?.details ?? {},
        handoffs: handoffList,
        leadId: lead?.id ?? null,
      };
    },

    /**
     * The lifecycle sweep: ends conversations idle past the timeout, then nudges the ones idle past
     * the nudge time (each once per idle period, even when replicas sweep at the same moment).
     */
    async sweepIdle(): Promise<{ ended: number; nudged: number }> {
      const ended = await withEvents(async (tx, events) => {
        const ids = await control.endIdle(tx, settings.timeoutAfterMinutes);
        if (ids.length === 0) return 0;
        const closed = await tx.query<{ id: string; session_id: string }>(
          `UPDATE handoffs SET status = 'closed', closed_at = now(), updated_at = now()
            WHERE session_id = ANY($1::text[]) AND status IN ('waiting', 'claimed')
            RETURNING id, session_id`,
          [ids],
        );
        const locales = await tx.query<{ id: string; locale: string }>(
          'SELECT id, locale FROM chat_sessions WHERE id = ANY($1::text[])',
          [ids],
        );
        for (const { id, locale } of locales) {
          events.push({
            sessionId: id,
            audience: 'all',
            type: 'session_ended',
            data: { reason: 'timeout', text: textsFor(texts, locale).sessionEnded },
          });
        }
        for (const h of closed) {
          events.push({
            sessionId: h.session_id,
            audience: 'staff',
            type: 'queue',
            data: { handoffId: h.id, status: 'closed' },
          });
        }
        return ids.length;
      });
      const nudged = await withEvents(async (tx, events) => {
        const due = await control.claimNudges(tx, settings.nudgeAfterMinutes);
        for (const { sessionId, locale } of due) {
          const message = await control.addNotice(tx, sessionId, 'assistant', textsFor(texts, locale).nudge, {
            kind: 'nudge',
          });
          if (message) events.push({ sessionId, audience: 'all', type: 'nudge', data: messageData(message) });
        }
        return due.length;
      });
      return { ended, nudged };
    },
  };
}

export type HandoffService = ReturnType<typeof createHandoffService>;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function summarize(customerText: string, turn: AssistantTurn): string {
  const parts: string[] = [customerText.trim().replace(/\s+/g, ' ').slice(0, 200)];
  const d = turn.details;
  if (d.areaM2) parts.push(`${d.areaM2} m²`);
  if (d.packageId) parts.push(d.packageId);
  if (d.city) parts.push(d.city);
  if (turn.quote) parts.push(`${turn.quote.min}–${turn.quote.max} ${turn.quote.currency}`);
  return parts.join(' · ');
}

function detailsOf(turn: AssistantTurn): Record<string, unknown> {
  return {
    ...turn.details,
    intent: turn.intent,
    ...(turn.quote ? { quote: turn.quote } : {}),
    inServiceArea: turn.inServiceArea,
  };
}
