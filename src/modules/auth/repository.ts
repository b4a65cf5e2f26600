/** Storage of staff users, sessions, setup links, failed-login counters and API tokens (raw SQL). */
import type { Database, QueryRunner } from '../../platform/db/database.js';
import type { Role } from './access.js';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  disabled: boolean;
  createdAt: Date;
  updatedAt: Date;
  lastLoginAt: Date | null;
}

export interface SessionLookup {
  user: UserRow;
  csrfToken: string;
  expiresInSeconds: number;
  rotateDue: boolean;
  touchDue: boolean;
}

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  scopes: string[];
  createdBy: string | null;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

type Raw = Record<string, unknown>;

const date = (v: unknown): Date => (v instanceof Date ? v : new Date(String(v)));
const dateOrNull = (v: unknown): Date | null => (v === null || v === undefined ? null : date(v));

const USER_COLUMNS = `u.id, u.email, u.name, u.password_hash, u.role, u.disabled, u.created_at, u.updated_at,
  u.last_login_at`;

function toUser(r: Raw): UserRow {
  return {
    id: String(r.id),
    email: String(r.email),
    name: String(r.name),
    passwordHash: String(r.password_hash),
    role: r.role as Role,
    disabled: Boolean(r.disabled),
    createdAt: date(r.created_at),
    updatedAt: date(r.updated_at),
    lastLoginAt: dateOrNull(r.last_login_at),
  };
}

const TOKEN_COLUMNS = `id, name, prefix, role, scopes, created_by, created_at, expires_at, last_used_at, revoked_at`;

function toToken(r: Raw): TokenRow {
  return {
    id: String(r.id),
    name: String(r.name),
    prefix: String(r.prefix),
    role: r.role as Role,
    scopes: Array.isArray(r.scopes) ? r.scopes.map(String) : [],
    createdBy: r.created_by === null ? null : String(r.created_by),
    createdAt: date(r.created_at),
    expiresAt: dateOrNull(r.expires_at),
    lastUsedAt: dateOrNull(r.last_used_at),
    revokedAt: dateOrNull(r.revoked_at),
  };
}

/** Serialises changes that must see a consistent set of admins (last-admin rule, first setup). */
const ADMIN_LOCK_KEY = 727_002_001;

export function createAuthRepository(db: Database) {
  return {
    transaction: <T>(fn: (tx: QueryRunner) => Promise<T>) => db.transaction(fn),

    async lockAdmins(tx: QueryRunner): Promise<void> {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [ADMIN_LOCK_KEY]);
    },

    // --- users ---------------------------------------------------------------------------------

    async findUserByEmail(email: string): Promise<UserRow | undefined> {
      const [row] = await db.query<Raw>(
        `SELECT ${USER_COLUMNS} FROM staff_users u WHERE lower(u.email) = lower($1)`,
        [email],
      );
      return row ? toUser(row) : undefined;
    },

    async findUserById(id: string, q: QueryRunner = db): Promise<UserRow | undefined> {
      const [row] = await q.query<Raw>(`SELECT ${USER_COLUMNS} FROM staff_users u WHERE u.id = $1`, [id]);
      return row ? toUser(row) : undefined;
    },

    async listUsers(): Promise<UserRow[]> {
      const rows = await db.query<Raw>(
        `SELECT ${USER_COLUMNS} FROM staff_users u ORDER BY u.created_at, u.id`,
      );
      return rows.map(toUser);
    },

    async insertUser(
      user: { email: string; name: string; passwordHash: string; role: Role },
      q: QueryRunner = db,
    ): Promise<UserRow> {
      const [row] = await q.query<Raw>(
        `INSERT INTO staff_users AS u (email, name, password_hash, role) VALUES ($1, $2, $3, $4)
         RETURNING ${USER_COLUMNS}`,
        [user.email, user.name, user.passwordHash, user.role],
      );
      return toUser(row!);
    },

    async updateUser(
      id: string,
      change: { name?: string; role?: Role; disabled?: boolean },
      q: QueryRunner = db,
    ): Promise<UserRow | undefined> {
      const [row] = await q.query<Raw>(
        `UPDATE staff_users AS u
            SET name = coalesce($2, u.name), role = coalesce($3, u.role),
                disabled = coalesce($4, u.disabled), updated_at = now()
          WHERE u.id = $1
          RETURNING ${USER_COLUMNS}`,
        [id, change.name ?? null, change.role ?? null, change.disabled ?? null],
      );
      return row ? toUser(row) : undefined;
    },

    async setPassword(id: string, passwordHash: string, q: QueryRunner = db): Promise<boolean> {
      const rows = await q.query(
        `UPDATE staff_users SET password_hash = $2, password_changed_at = now(), updated_at = now()
          WHERE id = $1 RETURNING id`,
        [id, passwordHash],
      );
      return rows.length > 0;
    },

    async deleteUser(id: string, q: QueryRunner = db): Promise<boolean> {
      return (await q.query('DELETE FROM staff_users WHERE id = $1 RETURNING id', [id])).length > 0;
    },

    async markLogin(id: string): Promise<void> {
      await db.query('UPDATE staff_users SET last_login_at = now() WHERE id = $1', [id]);
    },

    /** Admins other than `exceptId` that are not disabled. */
    async countActiveAdmins(q: QueryRunner = db, exceptId?: string): Promise<number> {
      const [row] = await q.query<{ n: string | number }>(
        `SELECT count(*) AS n FROM staff_users
          WHERE role = 'admin' AND NOT disabled AND ($1::uuid IS NULL OR id <> $1::uuid)`,
        [exceptId ?? null],
      );
      return Number(row?.n ?? 0);
    },

    async anyAdmin(q: QueryRunner = db): Promise<boolean> {
      const rows = await q.query(`SELECT 1 FROM staff_users WHERE role = 'admin' LIMIT 1`);
      return rows.length > 0;
    },

    // --- sessions ------------------------------------------------------------------------------

    async createSession(
      session: { idHash: string; userId: string; csrfToken: string; ttlSeconds: number },
      q: QueryRunner = db,
    ): Promise<void> {
      await q.query(
        `INSERT INTO staff_sessions (id_hash, user_id, csrf_token, expires_at)
         VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
        [session.idHash, session.userId, session.csrfToken, session.ttlSeconds],
      );
    },

    /** The live session with this id (not expired, not idle, user enabled), with its user. */
    async findSession(
      idHash: string,
      timing: { idleSeconds: number; rotateSeconds: number; touchSeconds: number },
    ): Promise<SessionLookup | undefined> {
      const [row] = await db.query<Raw>(
        `SELECT ${USER_COLUMNS}, s.csrf_token,
                extract(epoch FROM s.expires_at - now()) AS expires_in,
                s.rotated_at <= now() - make_interval(secs => $3) AS rotate_due,
                s.last_seen_at <= now() - make_interval(secs => $4) AS touch_due
           FROM staff_sessions s JOIN staff_users u ON u.id = s.user_id
          WHERE s.id_hash = $1 AND s.expires_at > now()
            AND s.last_seen_at > now() - make_interval(secs => $2) AND NOT u.disabled`,
        [idHash, timing.idleSeconds, timing.rotateSeconds, timing.touchSeconds],
      );
      if (!row) return undefined;
      return {
        user: toUser(row),
        csrfToken: String(row.csrf_token),
        expiresInSeconds: Math.max(1, Math.floor(Number(row.expires_in))),
        rotateDue: Boolean(row.rotate_due),
        touchDue: Boolean(row.touch_due),
      };
    },

    /** Gives the session a new id; the old one stops working. False when another request won. */
    async rotateSession(oldHash: string, newHash: string): Promise<boolean> {
      const rows = await db.query(
        `UPDATE staff_sessions SET id_hash = $2, rotated_at = now(), last_seen_at = now()
          WHERE id_hash = $1 RETURNING id_hash`,
        [oldHash, newHash],
      );
      return rows.length > 0;
    },

    async touchSession(idHash: string): Promise<void> {
      await db.query('UPDATE staff_sessions SET last_seen_at = now() WHERE id_hash = $1', [idHash]);
    },

    async deleteSession(idHash: string): Promise<void> {
      await db.query('DELETE FROM staff_sessions WHERE id_hash = $1', [idHash]);
    },

    async deleteUserSessions(userId: string, q: QueryRunner = db): Promise<void> {
      await q.query('DELETE FROM staff_sessions WHERE user_id = $1', [userId]);
    },

    async purgeExpiredSessions(idleSeconds: number): Promise<number> {
      const rows = await db.query(
        `DELETE FROM staff_sessions
          WHERE expires_at <= now() OR last_seen_at <= now() - make_interval(secs => $1)
          RETURNING 1`,
        [idleSeconds],
      );
      return rows.length;
    },

    // --- setup links ---------------------------------------------------------------------------

    async insertSetupToken(tokenHash: string, ttlSeconds: number): Promise<void> {
      await db.query(
        `INSERT INTO staff_setup_tokens (token_hash, expires_at) VALUES ($1, now() + make_interval(secs => $2))`,
        [tokenHash, ttlSeconds],
      );
    },

    /** Marks the token used if it is unused and unexpired; true when it was. */
    async consumeSetupToken(tx: QueryRunner, tokenHash: string): Promise<boolean> {
      const rows = await tx.query(
        `UPDATE staff_setup_tokens SET used_at = now()
          WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING 1`,
        [tokenHash],
      );
      return rows.length > 0;
    },

    async retireSetupTokens(tx: QueryRunner): Promise<void> {
      await tx.query('UPDATE staff_setup_tokens SET used_at = now() WHERE used_at IS NULL');
    },

    // --- failed logins -------------------------------------------------------------------------

    /** Seconds until the longest active lock among the keys ends (0 when none is locked). */
    async lockRemaining(keys: string[]): Promise<number> {
      const [row] = await db.query<{ s: string | number | null }>(
        `SELECT max(extract(epoch FROM locked_until - now())) AS s FROM auth_login_attempts
          WHERE key = ANY($1::text[]) AND locked_until > now()`,
        [keys],
      );
      return row?.s === null || row?.s === undefined ? 0 : Math.max(0, Number(row.s));
    },

    /**
     * Counts one failure for the key. Failures older than the lock period are forgotten, and a lock
     * that ran out starts a fresh count. Reaching `maxFailures` locks the key for `lockSeconds`.
     */
    async recordFailure(
      key: string,
      maxFailures: number,
      lockSeconds: number,
    ): Promise<{ failures: number; locked: boolean }> {
      const fresh = `(a.last_failure_at <= now() - make_interval(secs => $3)
                      OR (a.locked_until IS NOT NULL AND a.locked_until <= now()))`;
      const next = `(CASE WHEN ${fresh} THEN 1 ELSE a.failures + 1 END)`;
      const [row] = await db.query<{ failures: number; locked: boolean }>(
        `INSERT INTO auth_login_attempts AS a (key, failures, last_failure_at, locked_until)
         VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + make_interval(secs => $3) END)
         ON CONFLICT (key) DO UPDATE SET
           failures = ${next},
           last_failure_at = now(),
           locked_until = CASE WHEN ${next} >= $2 THEN now() + make_interval(secs => $3) END
         RETURNING failures, locked_until IS NOT NULL AS locked`,
        [key, maxFailures, lockSeconds],
      );
      return { failures: Number(row?.failures ?? 1), locked: Boolean(row?.locked) };
    },

    async clearFailures(key: string): Promise<void> {
      await db.query('DELETE FROM auth_login_attempts WHERE key = $1', [key]);
    },

    // --- API tokens ----------------------------------------------------------------------------

    async insertToken(token: {
      name: string;
      tokenHash: string;
      prefix: string;
      role: Role;
      scopes: string[];
      createdBy: string | null;
      expiresInDays: number | null;
    }): Promise<TokenRow> {
      const [row] = await db.query<Raw>(
        `INSERT INTO api_tokens (name, token_hash, prefix, role, scopes, created_by, expires_at)
         VALUES ($1, $2, $3, $4, $5::text[], $6,
                 CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(days => $7::int) END)
         RETURNING ${TOKEN_COLUMNS}`,
        [
          token.name,
          token.tokenHash,
          token.prefix,
          token.role,
          token.scopes,
          token.createdBy,
          token.expiresInDays,
        ],
      );
      return toToken(row!);
    },

    async listTokens(): Promise<TokenRow[]> {
      const rows = await db.query<Raw>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens ORDER BY created_at DESC, id`,
      );
      return rows.map(toToken);
    },

    /** The usable token with this hash (not revoked, not expired). */
    async findActiveToken(tokenHash: string): Promise<TokenRow | undefined> {
      const [row] = await db.query<Raw>(
        `SELECT ${TOKEN_COLUMNS} FROM api_tokens
          WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
        [tokenHash],
      );
      return row ? toToken(row) : undefined;
    },

    async touchToken(id: string): Promise<void> {
      await db.query(
        `UPDATE api_tokens SET last_used_at = now()
          WHERE id = $1 AND (last_used_at IS NULL OR last_used_at <= now() - interval '1 minute')`,
        [id],
      );
    },

    /** Revokes the token; undefined when there is no such token, false when it was already revoked. */
    async revokeToken(id: string): Promise<boolean | undefined> {
      const rows = await db.query<{ revoked: boolean }>(
        `WITH t AS (SELECT id, revoked_at FROM api_tokens WHERE id = $1 FOR UPDATE)
         UPDATE api_tokens a SET revoked_at = coalesce(a.revoked_at, now())
           FROM t WHERE a.id = t.id
         RETURNING t.revoked_at IS NULL AS revoked`,
        [id],
      );
      return rows[0] === undefined ? undefined : Boolean(rows[0].revoked);
    },
  };
}

export type AuthRepository = ReturnType<typeof createAuthRepository>;
