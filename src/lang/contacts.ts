/**
 * Contact details in customer messages: e-mail addresses and phone numbers. Polish numbers in any common
 * spelling (+48 600 100 200, 600-100-200, 600100200, (22) 123 45 67, 0048…) become E.164 (+48600100200).
 * Areas ("50 m2") and prices ("100 200 300 zł") are not phones. Pure functions, no I/O.
 */

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** The first e-mail address in a text, with the domain in lower case; null when there is none. */
export function extractEmail(text: string): string | null {
  for (const m of text.matchAll(EMAIL)) {
    const raw = m[0].replace(/\.+$/, '');
    const at = raw.lastIndexOf('@');
    const local = raw.slice(0, at);
    const domain = raw.slice(at + 1).toLowerCase();
    if (local.length === 0 || local.length > 64 || local.startsWith('.') || local.endsWith('.')) continue;
    if (local.includes('..') || domain.includes('..')) continue;
    return `${local}@${domain}`;
  }
  return null;
}

/** True for a plausible e-mail address (the whole string). */
export function isEmail(text: string): boolean {
  const found = extractEmail(text.trim());
  return found !== null && found.toLowerCase() === text.trim().toLowerCase();
}

const SEP = String.raw`[\s.\-]?`;
const POLISH_PHONE = new RegExp(
  String.raw`(?<![\p{L}\p{N}+@._-])((?:\+|00)\s?48${SEP})?(\(?0?\d{2}\)?${SEP}\d{3}${SEP}\d{2}${SEP}\d{2}|\d{3}${SEP}\d{3}${SEP}\d{3})(?![\p{N}])`,
  'gu',
);
const INTERNATIONAL_PHONE = /(?<![\p{L}\p{N}])\+(?!48)(\d[\d\s-]{6,17}\d)(?![\p{N}])/gu;
const NOT_A_PHONE_AFTER = /^\s*(?:m2|m²|m\b|mkw|metr|zł|zl|pln|tys|k\b|mln|eur|usd|%|sqm|sq)/iu;

/** Polish national number (9 digits, any separators) → E.164, or null when it cannot be one. */
export function normalizePolishPhone(raw: string): string | null {
  let digits = raw.replace(/\D/g, '');
  if (digits.startsWith('0048')) digits = digits.slice(4);
  else if (digits.length === 11 && digits.startsWith('48')) digits = digits.slice(2);
  else if (digits.length === 10 && digits.startsWith('0')) digits = digits.slice(1);
  if (!/^[1-9]\d{8}$/.test(digits)) return null;
  return `+48${digits}`;
}

/** The first phone number in a text as E.164 ("+48600100200"); null when there is none. */
export function extractPhone(text: string): string | null {
  for (const m of text.matchAll(POLISH_PHONE)) {
    const after = text.slice((m.index ?? 0) + m[0].length);
    if (NOT_A_PHONE_AFTER.test(after)) continue;
    const normalized = normalizePolishPhone(m[0]);
    if (normalized) return normalized;
  }
  for (const m of text.matchAll(INTERNATIONAL_PHONE)) {
    const after = text.slice((m.index ?? 0) + m[0].length);
    if (NOT_A_PHONE_AFTER.test(after)) continue;
    const digits = (m[1] ?? '').replace(/\D/g, '');
    if (digits.length >= 8 && digits.length <= 15) return `+${digits}`;
  }
  return null;
}
