/**
 * Staff authentication: accounts, password sign-in with slow-down and lockout, server-side sessions
 * with idle/absolute expiry and rotation, the first-admin setup link, and API tokens.
 */
import type { Config } from '../../config.js';
import type { Cache } from '../../platform/cache.js';
import type { Database } from '../../platform/db/database.js';
import type { Logger } from '../../platform/logger.js';
import type { AuditActor, AuditService } from '../audit/service.js';
import { ALL_SCOPES, isScope, type Role } from './access.js';
import {
  EmailTakenError,
  InvalidCredentialsError,
  InvalidSetupTokenError,
  LastAdminError,
  LoginLockedError,
  SetupDoneError,
  TokenNotFoundError,
  UserNotFoundError,
  WeakPasswordError,
} from './errors.js';
import { createAuthRepository, type TokenRow, type UserRow } from './repository.js';
import {
  hashPassword,
  keyedHash,
  newApiToken,
  passwordProblem,
  randomToken,
  sha256,
  verifyPassword,
} from './secrets.js';
import { BadRequestError } from '../../http/errors.js';

export const SETUP_LINK_TTL_SECONDS = 24 * 60 * 60;

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface StaffUserDetails extends StaffUser {
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
  lastLoginAt: string | null;
}

/** Who is calling: a signed-in staff member (cookie session) or an API token. */
export type StaffPrincipal =
  | (StaffUser & { kind: 'user'; csrfToken: string; sessionHash: string })
  | { kind: 'token'; id: string; name: string; role: Role; scopes: string[] };

export interface TokenView {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  scopes: string[];
  createdBy: string | null;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Where a request came from, for the audit log and the per-address login counter. */
export interface RequestContext {
  actor: AuditActor;
  ip: string;
  requestId: string;
}

export interface SessionStart {
  user: StaffUser;
  sessionToken: string;
  csrfToken: string;
  maxAgeSeconds: number;
}

export interface SessionCheck {
  principal: Extract<StaffPrincipal, { kind: 'user' }>;
  /** Set when the session got a new id: the caller must send it as the new cookie. */
  rotatedToken?: string;
  maxAgeSeconds: number;
}

const SESSION_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;
const API_TOKEN_SHAPE = /^fd_[A-Za-z0-9_-]{43}$/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

function staffUser(row: UserRow): StaffUser {
  return { id: row.id, email: row.email, name: row.name, role: row.role };
}

function userDetails(row: UserRow): StaffUserDetails {
  return {
    ...staffUser(row),
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}

function tokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    scopes: row.scopes,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '23505';
}

export function createAuthService(deps: {
  db: Database;
  cache: Cache;
  config: Pick<Config, 'auth' | 'http' | 'secrets' | 'isProduction'>;
  logger: Logger;
  audit: AuditService;
}) {
  const { cache, logger, audit } = deps;
  const settings = deps.config.auth;
  const secret = deps.config.secrets.session;
  const repository = createAuthRepository(deps.db);
  const sessionHash = (token: string) => keyedHash(secret, `session:${token}`);
  const setupHash = (token: string) => keyedHash(secret, `setup:${token}`);
  const accountKey = (email: string) => `account:${keyedHash(secret, `login-account:${email}`)}`;
  const addressKey = (ip: string) => `ip:${keyedHash(secret, `login-ip:${ip}`)}`;
  const lockCacheKey = (key: string) => `auth:lock:${key}`;
  /** Verified against when the e-mail is unknown, so both answers take about as long. */
  let dummyHash: Promise<string> | undefined;
  const timing = {
    idleSeconds: settings.sessionIdleSeconds,
    rotateSeconds: settings.sessionRotateSeconds,
    touchSeconds: Math.max(1, Math.min(60, Math.floor(settings.sessionIdleSeconds / 4))),
  };

  function checkPassword(password: string, email: string): void {
    const problem = passwordProblem(password, email);
    if (problem) throw new WeakPasswordError(problem);
  }

  async function lockRemaining(keys: string[]): Promise<number> {
    const now = Date.now();
    for (const key of keys) {
      const until = Number(await cache.get(lockCacheKey(key)));
      if (until > now) return (until - now) / 1000;
    }
    return repository.lockRemaining(keys);
  }

  async function startSession(user: UserRow): Promise<SessionStart> {
    const sessionToken = randomToken();
    const csrfToken = randomToken();
    await repository.createSession({
      idHash: sessionHash(sessionToken),
      userId: user.id,
      csrfToken,
      ttlSeconds: settings.sessionTtlSeconds,
    });
    return { user: staffUser(user), sessionToken, csrfToken, maxAgeSeconds: settings.sessionTtlSeconds };
  }

  /** Keeps at least one enabled admin: throws when the change would leave none. */
  async function ensureAnotherAdmin(
    tx: Parameters<Parameters<typeof repository.transaction>[0]>[0],
    user: UserRow,
  ) {
    if (user.role !== 'admin' || user.disabled) return;
    if ((await repository.countActiveAdmins(tx, user.id)) === 0) throw new LastAdminError();
  }

  const service = {
    /** `__Host-` in production: the browser then insists on Secure, Path=/ and no Domain. */
    cookieName: deps.config.isProduction ? '__Host-fd_session' : 'fd_session',

    // --- first admin -----------------------------------------------------------------------------

    /** A fresh one-time link that lets whoever opens it create the first admin (24 hours, one use). */
    async createSetupLink(): Promise<{ url: string; expiresInHours: number }> {
      const token = randomToken();
      await repository.insertSetupToken(setupHash(token), SETUP_LINK_TTL_SECONDS);
      return {
        url: `${deps.config.http.publicUrl}/admin/setup?token=${token}`,
        expiresInHours: SETUP_LINK_TTL_SECONDS / 3600,
      };
    },

    hasAdmin: () => repository.anyAdmin(),

    /** At start-up: with no admin account yet, logs a one-time setup link (never a default password). */
    async announceSetupLinkIfNeeded(): Promise<boolean> {
      if (await repository.anyAdmin()) return false;
      const link = await service.createSetupLink();
      logger.warn(
        { setupUrl: link.url, expiresInHours: link.expiresInHours },
        'No admin account exists yet. Open this one-time link to create the first admin',
      );
      return true;
    },

    /** Creates the first admin with a setup token; refused once any admin exists. */
    async completeSetup(input: {
      token: string;
      email: string;
      name: string;
      password: string;
    }): Promise<StaffUser> {
      const email = normalizeEmail(input.email);
      checkPassword(input.password, email);
      const passwordHash = await hashPassword(input.password);
      const user = await repository.transaction(async (tx) => {
        await repository.lockAdmins(tx);
        if (await repository.anyAdmin(tx)) throw new SetupDoneError();
        if (!(await repository.consumeSetupToken(tx, setupHash(input.token)))) {
          throw new InvalidSetupTokenError();
        }
        await repository.retireSetupTokens(tx);
        try {
          return await repository.insertUser(
            { email, name: input.name.trim(), passwordHash, role: 'admin' },
            tx,
          );
        } catch (err) {
          if (isUniqueViolation(err)) throw new EmailTakenError();
          throw err;
        }
      });
      logger.info({ userId: user.id }, 'first admin account created');
      return staffUser(user);
    },

    // --- sign-in and sessions --------------------------------------------------------------------

    /**
     * Checks the password and starts a session. Failures are counted per account and per address:
     * each one is answered more slowly, and `loginMaxFailures` in a row lock the account (per address:
     * `loginMaxFailuresPerIp`) for `loginLockSeconds`.
     */
    async login(
      input: { email: string; password: string },
      ctx: Omit<RequestContext, 'actor'>,
    ): Promise<SessionStart> {
      const email = normalizeEmail(input.email);
      const keys = [accountKey(email), addressKey(ctx.ip)] as const;
      const remaining = await lockRemaining([...keys]);
      if (remaining > 0) throw new LoginLockedError(remaining);

      const user = await repository.findUserByEmail(email);
      let valid: boolean;
      if (user) {
        valid = await verifyPassword(user.passwordHash, input.password);
      } else {
        dummyHash ??= hashPassword(randomToken());
        await verifyPassword(await dummyHash, input.password);
        valid = false;
      }

      if (!valid || !user || user.disabled) {
        const [account, address] = await Promise.all([
          repository.recordFailure(keys[0], settings.loginMaxFailures, settings.loginLockSeconds),
          repository.recordFailure(keys[1], settings.loginMaxFailuresPerIp, settings.loginLockSeconds),
        ]);
        const reason = !user ? 'unknown_account' : !valid ? 'wrong_password' : 'account_disabled';
        await audit.recordSafely({
          actor: { type: 'anonymous' },
          action: 'auth.login_failed',
          targetType: user ? 'staff_user' : null,
          targetId: user?.id ?? null,
          ip: ctx.ip,
          requestId: ctx.requestId,
          details: { reason, failures: account.failures },
        });
        if (account.locked || address.locked) {
          const until = Date.now() + settings.loginLockSeconds * 1000;
          for (const [key, state] of [
            [keys[0], account],
            [keys[1], address],
          ] as const) {
            if (state.locked) await cache.set(lockCacheKey(key), String(until), settings.loginLockSeconds);
          }
          await audit.recordSafely({
            actor: { type: 'anonymous' },
            action: 'auth.login_locked',
            targetType: user ? 'staff_user' : null,
            targetId: user?.id ?? null,
            ip: ctx.ip,
            requestId: ctx.requestId,
            details: {
              scope: account.locked && address.locked ? 'both' : account.locked ? 'account' : 'address',
              lockSeconds: settings.loginLockSeconds,
            },
          });
          logger.warn(
            { userId: user?.id, requestId: ctx.requestId },
            'sign-in locked after repeated failures',
          );
          throw new LoginLockedError(settings.loginLockSeconds);
        }
        const n = Math.max(account.failures, address.failures);
        const delay = Math.min(settings.loginDelayMs * 2 ** (n - 1), settings.loginDelayMaxMs);
        if (delay > 0) await sleep(delay);
        throw new InvalidCredentialsError();
      }

      await repository.clearFailures(keys[0]);
      await repository.markLogin(user.id);
      void repository
        .purgeExpiredSessions(settings.sessionIdleSeconds)
        .catch((err: unknown) => logger.warn({ err }, 'purging expired staff sessions failed'));
      return startSession(user);
    },

    /** The signed-in staff member for a session cookie value, rotating the id when it is due. */
    async checkSession(token: string): Promise<SessionCheck | undefined> {
      if (!SESSION_TOKEN_SHAPE.test(token)) return undefined;
      const idHash = sessionHash(token);
      const found = await repository.findSession(idHash, timing);
      if (!found) return undefined;
      let currentHash = idHash;
      let rotatedToken: string | undefined;
      if (found.rotateDue) {
        const next = randomToken();
        if (await repository.rotateSession(idHash, sessionHash(next))) {
          rotatedToken = next;
          currentHash = sessionHash(next);
        }
      } else if (found.touchDue) {
        await repository.touchSession(idHash);
      }
      return {
        principal: {
          kind: 'user',
          ...staffUser(found.user),
          csrfToken: found.csrfToken,
          sessionHash: currentHash,
        },
        ...(rotatedToken ? { rotatedToken } : {}),
        maxAgeSeconds: found.expiresInSeconds,
      };
    },

    /** Ends the session with this cookie value (or stored hash). */
    async logout(session: { token?: string; hash?: string }): Promise<void> {
      const hash = session.hash ?? (session.token ? sessionHash(session.token) : undefined);
      if (hash) await repository.deleteSession(hash);
    },

    // --- API tokens ------------------------------------------------------------------------------

    async checkApiToken(token: string): Promise<Extract<StaffPrincipal, { kind: 'token' }> | undefined> {
      if (!API_TOKEN_SHAPE.test(token)) return undefined;
      const row = await repository.findActiveToken(sha256(token));
      if (!row) return undefined;
      await repository.touchToken(row.id);
      return { kind: 'token', id: row.id, name: row.name, role: row.role, scopes: row.scopes };
    },

    /** Creates a token; its secret value is returned here only, and stored as a hash. */
    async createApiToken(
      input: { name: string; scopes: string[]; role?: Role; expiresInDays?: number },
      createdBy: string | null,
    ): Promise<{ token: string; info: TokenView }> {
      const unknown = input.scopes.filter((s) => !isScope(s));
      if (unknown.length > 0) {
        throw new BadRequestError(`Unknown scope: ${unknown.join(', ')}.`, 'unknown_scope');
      }
      const scopes = [...new Set(input.scopes)].sort();
      const role = input.role ?? 'viewer';
      if (scopes.includes(ALL_SCOPES) && role !== 'admin') {
        throw new BadRequestError('The admin:* scope needs the admin role.', 'invalid_scope');
      }
      const token = newApiToken();
      const row = await repository.insertToken({
        name: input.name.trim(),
        tokenHash: sha256(token),
        prefix: token.slice(0, 10),
        role,
        scopes,
        createdBy,
        expiresInDays: input.expiresInDays ?? null,
      });
      return { token, info: tokenView(row) };
    },

    listApiTokens: async (): Promise<TokenView[]> => (await repository.listTokens()).map(tokenView),

    async revokeApiToken(id: string): Promise<{ alreadyRevoked: boolean }> {
      const result = await repository.revokeToken(id);
      if (result === undefined) throw new TokenNotFoundError();
      return { alreadyRevoked: !result };
    },

    // --- staff accounts --------------------------------------------------------------------------

    listUsers: async (): Promise<StaffUserDetails[]> => (await repository.listUsers()).map(userDetails),

    async getUser(id: string): Promise<StaffUserDetails> {
      const row = await repository.findUserById(id);
      if (!row) throw new UserNotFoundError();
      return userDetails(row);
    },

    async createUser(input: {
      email: string;
      name: string;
      role: Role;
      password: string;
    }): Promise<StaffUserDetails> {
      const email = normalizeEmail(input.email);
      checkPassword(input.password, email);
      const passwordHash = await hashPassword(input.password);
      try {
        const row = await repository.insertUser({
          email,
          name: input.name.trim(),
          passwordHash,
          role: input.role,
        });
        return userDetails(row);
      } catch (err) {
        if (isUniqueViolation(err)) throw new EmailTakenError();
        throw err;
      }
    },

    /** Changes name, role or the disabled flag; never leaves the system without an enabled admin. */
    async updateUser(
      id: string,
      change: { name?: string; role?: Role; disabled?: boolean },
    ): Promise<{ user: StaffUserDetails; changed: string[] }> {
      return repository.transaction(async (tx) => {
        await repository.lockAdmins(tx);
        const before = await repository.findUserById(id, tx);
        if (!before) throw new UserNotFoundError();
        const losesAdmin = (change.role !== undefined && change.role !== 'admin') || change.disabled === true;
        if (losesAdmin) await ensureAnotherAdmin(tx, before);
        const after = await repository.updateUser(
          id,
          { ...change, ...(change.name !== undefined ? { name: change.name.trim() } : {}) },
          tx,
        );
        if (!after) throw new UserNotFoundError();
        if (after.disabled && !before.disabled) await repository.deleteUserSessions(id, tx);
        const changed = (['name', 'role', 'disabled'] as const).filter((k) => before[k] !== after[k]);
        return { user: userDetails(after), changed };
      });
    },

    /** Sets a new password and ends every session of the account. */
    async resetPassword(id: string, password: string): Promise<void> {
      const user = await repository.findUserById(id);
      if (!user) throw new UserNotFoundError();
      checkPassword(password, user.email);
      const passwordHash = await hashPassword(password);
      await repository.transaction(async (tx) => {
        if (!(await repository.setPassword(id, passwordHash, tx))) throw new UserNotFoundError();
        await repository.deleteUserSessions(id, tx);
      });
    },

    async deleteUser(id: string): Promise<void> {
      await repository.transaction(async (tx) => {
        await repository.lockAdmins(tx);
        const user = await repository.findUserById(id, tx);
        if (!user) throw new UserNotFoundError();
        await ensureAnotherAdmin(tx, user);
        await repository.deleteUser(id, tx);
      });
    },
  };
  return service;
}

export type AuthService = ReturnType<typeof createAuthService>;
