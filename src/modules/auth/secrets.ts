/** Random tokens, their stored hashes, constant-time comparison, and password hashing (argon2id). */
import crypto from 'node:crypto';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';

/** 256 random bits, URL-safe. */
export function randomToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}

/** Prefix of API tokens: makes them recognisable to secret scanners and in logs. */
export const API_TOKEN_PREFIX = 'fd_';

export function newApiToken(): string {
  return `${API_TOKEN_PREFIX}${randomToken()}`;
}

export function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

/** Keyed hash: sessions, setup links and login counters are bound to SESSION_SECRET. */
export function keyedHash(secret: string, value: string): string {
  return crypto.createHmac('sha256', secret).update(value).digest('hex');
}

export function sameSecret(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}

/** argon2id with the OWASP-recommended baseline (19 MiB, 2 passes, 1 lane). */
const ARGON2: Options = {
  algorithm: 2 as Algorithm,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
};

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

/** Why the password is too weak, or undefined when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) {
    return `The password must be at least ${PASSWORD_MIN_LENGTH} characters long.`;
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    return `The password must be at most ${PASSWORD_MAX_LENGTH} characters long.`;
  }
  if (new Set(password).size < 4) return 'The password repeats too few different characters.';
  const lower = password.toLowerCase();
  const local = email?.split('@')[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) {
    return 'The password must not contain the e-mail address.';
  }
  if (/^(?:0123456789|1234567890|qwertyuiop|password|passw0rd|haslo|hasło|admin|frontdesk)/.test(lower)) {
    return 'The password is too easy to guess.';
  }
  return undefined;
}
