/**
 * A data subject as the privacy features see them: their e-mail address and/or phone number, and the
 * keyed hashes (HMAC with SESSION_SECRET) under which pseudonymous records refer to them.
 */
import crypto from 'node:crypto';

export interface Subject {
  /** Lower-cased, trimmed. */
  email?: string;
  /** The last 9 digits of the number: "+48 600-100-200" and "600100200" are the same person. */
  phoneDigits?: string;
}

export const PHONE_MATCH_DIGITS = 9;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** The digits a phone number is matched by, or undefined when it has too few. */
export function phoneDigits(phone: string): string | undefined {
  const digits = phone.replace(/\D/g, '');
  return digits.length >= PHONE_MATCH_DIGITS ? digits.slice(-PHONE_MATCH_DIGITS) : undefined;
}

export function subjectOf(input: { email?: string | null; phone?: string | null }): Subject {
  const email = input.email?.trim() ? normalizeEmail(input.email) : undefined;
  const digits = input.phone ? phoneDigits(input.phone) : undefined;
  return { ...(email ? { email } : {}), ...(digits ? { phoneDigits: digits } : {}) };
}

export function isEmpty(subject: Subject): boolean {
  return !subject.email && !subject.phoneDigits;
}

export interface Hasher {
  /** Keyed hash of a normalised e-mail (`email:` prefix) or phone digits (`phone:` prefix). */
  subject(value: string): string;
  /** Keyed hash of a client address, the same as the audit log's. */
  ip(ip: string): string;
  /** Every hash a subject may be recorded under. */
  subjectHashes(subject: Subject): string[];
  /** The one hash a record about this subject is written under (e-mail first). */
  primaryHash(subject: Subject): string | null;
  sign(value: string): string;
}

export function createHasher(secret: string): Hasher {
  const mac = (value: string) => crypto.createHmac('sha256', secret).update(value).digest('hex');
  const hasher: Hasher = {
    subject: (value) => mac(`subject:${value}`).slice(0, 40),
    ip: (ip) => mac(`ip:${ip}`).slice(0, 32),
    subjectHashes(subject) {
      return [
        ...(subject.email ? [hasher.subject(`email:${subject.email}`)] : []),
        ...(subject.phoneDigits ? [hasher.subject(`phone:${subject.phoneDigits}`)] : []),
      ];
    },
    primaryHash(subject) {
      return hasher.subjectHashes(subject)[0] ?? null;
    },
    sign: (value) => crypto.createHmac('sha256', secret).update(value).digest('base64url'),
  };
  return hasher;
}

export function sha256(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

export function randomToken(): string {
  return crypto.randomBytes(32).toString('base64url');
}
