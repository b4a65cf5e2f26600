/**
 * The output guard: checks every reply, whichever engine wrote it, before a customer sees it. It
 * blocks secrets (API-key shapes, the configured secrets, the red-team canary), the assistant's own
 * instructions, configuration dumps and contact details the customer did not give in this
 * conversation; it removes HTML markup, because a reply is plain text.
 */
import { baseForm, squashedForm } from './normalize.js';

export type OutputProblem =
  'secret_pattern' | 'configured_secret' | 'system_prompt' | 'config_dump' | 'foreign_contact';

export interface OutputVerdict {
  ok: boolean;
  problems: OutputProblem[];
  /** The reply with markup removed (use it when ok). */
  text: string;
}

export interface OutputGuardOptions {
  /** Values that must never appear: configured secrets, API keys, the canary. */
  secrets: string[];
  /** The assistant's instruction texts (templates without business facts). */
  instructions: string[];
  /** The business's own e-mail addresses and phone numbers (always allowed). */
  businessContacts: string[];
  /** Consecutive words shared with the instructions that count as a leak. */
  shingleWords?: number;
}

const SECRET_PATTERNS: readonly RegExp[] = [
  /\bsk-(?:proj-|ant-|live-|test-)?[A-Za-z0-9_-]{16,}/,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bASIA[0-9A-Z]{16}\b/,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}/,
  /\bgh[pousr]_[A-Za-z0-9]{20,}/,
  /\bgithub_pat_[A-Za-z0-9_]{20,}/,
  /\bglpat-[A-Za-z0-9_-]{20,}/,
  /\bAIza[0-9A-Za-z_-]{30,}/,
  /\bfd_[A-Za-z0-9_-]{24,}/,
  /\bBearer\s+[A-Za-z0-9._~+/-]{16,}=*/i,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  /\b(?:postgres(?:ql)?|redis|rediss|mysql|mongodb(?:\+srv)?|amqps?|smtps?):\/\/\S+/i,
];

const ENV_LINE = /^\s*(?:export\s+)?[A-Z][A-Z0-9]*_[A-Z0-9_]+\s*[=:]\s*\S+/gm;
const SECRET_ENV_NAME =
  /\b[A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|API_KEY|DATABASE_URL|REDIS_URL|PRIVATE_KEY|CANARY)[A-Z0-9_]*\s*[=:]/;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const PHONE = /(?:\+|\b)\d[\d\s().\u00a0-]{7,}\d\b/g;

/** The comparable form of a phone number: its last 9 digits. */
export function phoneKey(raw: string): string | null {
  const digits = raw.replace(/\D/g, '');
  if (digits.length < 9 || digits.length > 15) return null;
  return digits.slice(-9);
}

/** E-mail addresses and phone numbers in a text, in comparable form. */
export function contactKeys(text: string): string[] {
  const keys: string[] = [];
  for (const m of text.match(EMAIL) ?? []) keys.push(m.toLowerCase().replace(/\.$/, ''));
  for (const m of text.matchAll(PHONE)) {
    const after = text.slice((m.index ?? 0) + m[0].length, (m.index ?? 0) + m[0].length + 6).toLowerCase();
    // Amounts and areas ("85 000 - 250 000 zł", "1 200 000 PLN") are not phone numbers.
    if (/^\s*(?:zł|zl|pln|eur|usd|€|\$|m2|m²|%)/.test(after) || / [-–] /.test(m[0])) continue;
    const key = phoneKey(m[0]);
    if (key) keys.push(key);
  }
  return keys;
}

const MARKUP = [
  /<\s*(script|style|iframe|object|embed|svg|math|template)\b[^>]*>[\s\S]*?<\s*\/\s*\1\s*>/gi,
  /<\s*\/?\s*[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?\s*>/gi,
  /javascript\s*:/gi,
  /\bon[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi,
];

/** Removes HTML tags, script bodies, event handlers and javascript: URLs. */
export function stripMarkup(text: string): string {
  let out = text;
  for (let i = 0; i < 3; i++) {
    const before = out;
    for (const re of MARKUP) out = out.replace(re, '');
    if (out === before) break;
  }
  return out.replace(/[ \t]{2,}/g, ' ').trim();
}

interface TextVerdict {
  problems: readonly OutputProblem[];
  text: string;
  /** Contact keys in the reply that are not the business's own. */
  contacts: readonly string[];
}

const MEMO_ENTRIES = 2_000;
const MEMO_MAX_CHARS = 4_000;

function words(text: string): string[] {
  return baseForm(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export function createOutputGuard(options: OutputGuardOptions) {
  const n = options.shingleWords ?? 8;
  const shingles = new Set<string>();
  for (const instruction of options.instructions) {
    // Placeholders ({{business.name}}) separate the instruction text from business facts.
    for (const part of instruction.split(/\{\{[^}]*\}\}/)) {
      const w = words(part);
      for (let i = 0; i + n <= w.length; i++) shingles.add(w.slice(i, i + n).join(' '));
    }
  }
  const secrets = options.secrets.filter((s) => s.length >= 8);
  const squashedSecrets = secrets.map((s) => squashedForm(s.toLowerCase())).filter((s) => s.length >= 8);
  const business = new Set(options.businessContacts.flatMap((c) => contactKeys(c)));

  /** Everything about a reply that does not depend on the conversation. */
  function inspect(reply: string): TextVerdict {
    const problems = new Set<OutputProblem>();
    const text = stripMarkup(reply);
    for (const candidate of [reply, text]) {
      if (SECRET_PATTERNS.some((re) => re.test(candidate))) problems.add('secret_pattern');
      const lower = candidate.toLowerCase();
      const squashed = squashedForm(lower);
      if (
        secrets.some((s) => lower.includes(s.toLowerCase())) ||
        squashedSecrets.some((s) => squashed.includes(s))
      ) {
        problems.add('configured_secret');
      }
      const envLines = candidate.match(ENV_LINE) ?? [];
      if (envLines.length >= 2 || envLines.some((line) => SECRET_ENV_NAME.test(line)))
        problems.add('config_dump');
    }
    if (shingles.size > 0) {
      const w = words(reply);
      for (let i = 0; i + n <= w.length; i++) {
        if (shingles.has(w.slice(i, i + n).join(' '))) {
          problems.add('system_prompt');
          break;
        }
      }
    }
    const contacts = contactKeys(reply).filter((key) => !business.has(key));
    return { problems: [...problems], text, contacts };
  }

  // Replies repeat (the offline engine writes from templates and knowledge entries), and a reply's
  // own verdict never changes: recent ones are remembered, in least-recently-used order.
  const recent = new Map<string, TextVerdict>();

  function inspectRemembered(reply: string): TextVerdict {
    if (reply.length > MEMO_MAX_CHARS) return inspect(reply);
    const known = recent.get(reply);
    if (known) {
      recent.delete(reply);
      recent.set(reply, known);
      return known;
    }
    const verdict = inspect(reply);
    recent.set(reply, verdict);
    if (recent.size > MEMO_ENTRIES) recent.delete(recent.keys().next().value as string);
    return verdict;
  }

  return {
    /**
     * Checks a reply. `customerContacts` gives the contact keys (contactKeys) the customer gave in
     * this conversation; it is called only when the reply holds contact details.
     */
    check(reply: string, customerContacts: Iterable<string> | (() => Iterable<string>)): OutputVerdict {
      const verdict = inspectRemembered(reply);
      const problems = [...verdict.problems];
      if (verdict.contacts.length > 0) {
        const allowed = new Set(
          typeof customerContacts === 'function' ? customerContacts() : customerContacts,
        );
        if (verdict.contacts.some((key) => !allowed.has(key))) problems.push('foreign_contact');
      }
      return { ok: problems.length === 0, problems, text: verdict.text };
    },
  };
}

export type OutputGuard = ReturnType<typeof createOutputGuard>;
