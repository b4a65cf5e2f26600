/** Storage of the blocklist. */
import type { QueryRunner } from '../../platform/db/database.js';

export interface BlockRow {
  id: string;
  kind: 'ip' | 'session';
  value: string;
  reason: string;
  violations: Record<string, number>;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface NewBlock {
  kind: 'ip' | 'session';
  value: string;
  reason: string;
  violations: Record<string, number>;
  createdBy: string;
  minutes: number;
  /** Keep a later expiry that is already set (automatic blocks never shorten a block). */
  extendOnly: boolean;
}

const COLUMNS = 'id, kind, value, reason, violations, created_by, created_at, expires_at';

function toRow(r: Record<string, unknown>): BlockRow {
  return {
    id: String(r.id),
    kind: r.kind === 'session' ? 'session' : 'ip',
    value: String(r.value),
    reason: String(r.reason),
    violations: (r.violations ?? {}) as Record<string, number>,
    createdBy: String(r.created_by),
    createdAt: new Date(r.created_at as string | Date),
    expiresAt: new Date(r.expires_at as string | Date),
  };
}

export function createBlocklistRepository(db: QueryRunner) {
  return {
    /** Adds a block, or replaces the one on the same subject. */
    async upsert(block: NewBlock): Promise<BlockRow> {
      const [row] = await db.query<Record<string, unknown>>(
        `INSERT INTO blocklist (kind, value, reason, violations, created_by, expires_at)
         VALUES ($1, $2, $3, $4::jsonb, $5, now() + make_interval(secs => $6::double precision))
         ON CONFLICT (kind, value) DO UPDATE
            SET reason = EXCLUDED.reason, violations = EXCLUDED.violations,
                created_by = EXCLUDED.created_by, created_at = now(),
                expires_at = CASE WHEN $7::boolean
                                  THEN GREATEST(blocklist.expires_at, EXCLUDED.expires_at)
                                  ELSE EXCLUDED.expires_at END
         RETURNING ${COLUMNS}`,
        [
          block.kind,
          block.value,
          block.reason,
          JSON.stringify(block.violations),
          block.createdBy,
          block.minutes * 60,
          block.extendOnly,
        ],
      );
      if (!row) throw new Error('blocklist upsert returned no row');
      return toRow(row);
    },

    /** Blocks in force now. */
    async listActive(limit: number): Promise<BlockRow[]> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM blocklist WHERE expires_at > now() ORDER BY expires_at DESC LIMIT $1`,
        [limit],
      );
      return rows.map(toRow);
    },

    /** Every row still kept (in force, or expired within the grace period), newest first. */
    async listAll(limit: number): Promise<BlockRow[]> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM blocklist ORDER BY created_at DESC LIMIT $1`,
        [limit],
      );
      return rows.map(toRow);
    },

    async remove(id: string): Promise<BlockRow | undefined> {
      const [row] = await db.query<Record<string, unknown>>(
        `DELETE FROM blocklist WHERE id = $1 RETURNING ${COLUMNS}`,
        [id],
      );
      return row ? toRow(row) : undefined;
    },

    /** Deletes rows whose block ended more than graceHours ago; returns how many. */
    async purgeExpired(graceHours: number): Promise<number> {
      const rows = await db.query(
        `DELETE FROM blocklist WHERE expires_at < now() - make_interval(hours => $1) RETURNING id`,
        [graceHours],
      );
      return rows.length;
    },
  };
}
