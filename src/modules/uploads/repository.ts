/** Storage of upload records. */
import type { QueryRunner } from '../../platform/db/database.js';

export interface UploadRow {
  id: string;
  sessionId: string;
  leadId: string | null;
  kind: string;
  contentType: string;
  size: number;
  sha256: string;
  originalName: string;
  storageKey: string;
  createdAt: Date;
}

export type NewUpload = Omit<UploadRow, 'createdAt'>;

const COLUMNS = `id, session_id, lead_id, kind, content_type, size, sha256, original_name, storage_key, created_at`;

function toUpload(r: Record<string, unknown>): UploadRow {
  return {
    id: String(r.id),
    sessionId: String(r.session_id),
    leadId: r.lead_id === null || r.lead_id === undefined ? null : String(r.lead_id),
    kind: String(r.kind),
    contentType: String(r.content_type),
    size: Number(r.size),
    sha256: String(r.sha256),
    originalName: String(r.original_name),
    storageKey: String(r.storage_key),
    createdAt: new Date(r.created_at as string),
  };
}

export function createUploadRepository(db: QueryRunner) {
  return {
    async countForSession(sessionId: string): Promise<number> {
      const [row] = await db.query<{ n: number | string }>(
        'SELECT count(*) AS n FROM uploads WHERE session_id = $1 AND deleted_at IS NULL',
        [sessionId],
      );
      return Number(row?.n ?? 0);
    },

    /** Serialises uploads of one conversation (transaction-scoped advisory lock). */
    async lockSession(sessionId: string): Promise<void> {
      await db.query("SELECT pg_advisory_xact_lock(hashtextextended('uploads:' || $1, 0))", [sessionId]);
    },

    async insert(upload: NewUpload): Promise<UploadRow> {
      const [row] = await db.query<Record<string, unknown>>(
        `INSERT INTO uploads (id, session_id, lead_id, kind, content_type, size, sha256, original_name, storage_key)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING ${COLUMNS}`,
        [
          upload.id,
          upload.sessionId,
          upload.leadId,
          upload.kind,
          upload.contentType,
          upload.size,
          upload.sha256,
          upload.originalName,
          upload.storageKey,
        ],
      );
      return toUpload(row!);
    },

    async find(id: string): Promise<UploadRow | undefined> {
      const [row] = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM uploads WHERE id = $1 AND deleted_at IS NULL`,
        [id],
      );
      return row ? toUpload(row) : undefined;
    },

    async listForSession(sessionId: string): Promise<UploadRow[]> {
      const rows = await db.query<Record<string, unknown>>(
        `SELECT ${COLUMNS} FROM uploads WHERE session_id = $1 AND deleted_at IS NULL ORDER BY created_at, id`,
        [sessionId],
      );
      return rows.map(toUpload);
    },
  };
}

export type UploadRepository = ReturnType<typeof createUploadRepository>;
