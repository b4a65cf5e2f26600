/**
 * The audit log: who did what to which record, when, from where (as a keyed hash of the address) and
 * in which request. Entries are append-only and carry no personal data beyond the staff member's id.
 */
import crypto from 'node:crypto';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import { createAuditRepository, type AuditQuery, type AuditRow } from './repository.js';

export type AuditActorType = 'user' | 'token' | 'anonymous' | 'system';

export interface AuditActor {
  type: AuditActorType;
  /** Staff user id or API token id. */
  id?: string | null;
}

export interface AuditEntry {
  actor: AuditActor;
  /** Dotted event name (`user.created`, `auth.login_failed`) or `<METHOD> <route>` for generic writes. */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Client address; stored only as a keyed hash. */
  ip?: string | null;
  requestId?: string | null;
  /** Small, non-personal facts (changed field names, roles, scopes, reasons). */
  details?: Record<string, unknown>;
}

export interface AuditEntryView {
  id: string;
  at: string;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ipHash: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

const MAX_DETAILS_CHARS = 2_000;

function boundedDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  const text = JSON.stringify(details);
  return text.length <= MAX_DETAILS_CHARS ? details : { truncated: true };
}

function view(row: AuditRow): AuditEntryView {
  return { ...row, id: String(row.id), at: row.at.toISOString() };
}

export function createAuditService(deps: { db: Database; secret: string; logger: Logger }) {
  const repository = createAuditRepository(deps.db);
  const ipHash = (ip: string) =>
    crypto.createHmac('sha256', deps.secret).update(`ip:${ip}`).digest('hex').slice(0, 32);

  return {
    /** Appends one entry. */
    async record(entry: AuditEntry): Promise<void> {
      await repository.insert({
        actorType: entry.actor.type,
        actorId: entry.actor.id ?? null,
        action: entry.action.slice(0, 200),
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        ipHash: entry.ip ? ipHash(entry.ip) : null,
        requestId: entry.requestId ?? null,
        details: boundedDetails(entry.details),
      });
    },

    /** Appends one entry; a failure is logged and never fails the caller's request. */
    async recordSafely(entry: AuditEntry): Promise<void> {
      try {
        await this.record(entry);
      } catch (err) {
        deps.logger.error({ err, action: entry.action }, 'writing the audit log failed');
      }
    },

    /** A page of entries, newest first, and the cursor of the next page. */
    async list(query: AuditQuery): Promise<{ entries: AuditEntryView[]; nextBefore: string | null }> {
      const rows = await repository.list(query);
      const last = rows[rows.length - 1];
      return {
        entries: rows.map(view),
        nextBefore: rows.length === query.limit && last ? String(last.id) : null,
      };
    },

    /** The hash under which an address is stored, to find a client's entries. */
    hashIp: ipHash,
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
