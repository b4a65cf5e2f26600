/** Storage of the append-only audit log. */
import type { Database } from '../../platform/db/database.js';

export interface AuditRow {
  id: number;
  at: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ipHash: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface NewAuditRow {
  actorType: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ipHash: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditQuery {
  limit: number;
  before?: number;
  actor?: string;
  action?: string;
}

export function createAuditRepository(db: Database) {
  return {
    async insert(row: NewAuditRow): Promise<void> {
      await db.query(
        `INSERT INTO audit_log (actor_type, actor_id, action, target_type, target_id, ip_hash, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
        [
          row.actorType,
          row.actorId,
          row.action,
          row.targetType,
          row.targetId,
          row.ipHash,
          row.requestId,
          JSON.stringify(row.details),
        ],
      );
    },

    /** Newest first; `before` is the id of the last entry of the previous page. */
    async list(query: AuditQuery): Promise<AuditRow[]> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT id, at, actor_type, actor_id, action, target_type, target_id, ip_hash, request_id, details
           FROM audit_log
          WHERE ($1::bigint IS NULL OR id < $1::bigint)
            AND ($2::text IS NULL OR actor_id = $2::text)
            AND ($3::text IS NULL OR action = $3::text)
          ORDER BY id DESC
          LIMIT $4`,
        [query.before ?? null, query.actor ?? null, query.action ?? null, query.limit],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        at: r.at instanceof Date ? r.at : new Date(String(r.at)),
        actorType: String(r.actor_type),
        actorId: r.actor_id === null ? null : String(r.actor_id),
        action: String(r.action),
        targetType: r.target_type === null ? null : String(r.target_type),
        targetId: r.target_id === null ? null : String(r.target_id),
        ipHash: r.ip_hash === null ? null : String(r.ip_hash),
        requestId: r.request_id === null ? null : String(r.request_id),
        details: (r.details ?? {}) as Record<string, unknown>,
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
