/**
 * Masking of personal data for logs. One helper used by every log serializer: e-mail addresses,
 * phone numbers and personal names never reach a log line in clear.
 */

const EMAIL = /([\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]*@([\p{L}\p{N}-])[\p{L}\p{N}.-]*\.([\p{L}]{2,})/gu;
// Phone-like runs: optional +, then 9+ digits with spaces, dots, dashes or parentheses between them.
const PHONE = /(?<![\p{L}\p{N}])(?:\+|00)?\(?\d[\d\s().-]{7,}\d(?![\p{L}\p{N}])/gu;

/** Keys whose values are personal data wherever they appear in a logged object. */
const PERSONAL_KEYS = new Set([
  'name',
  'firstname',
  'lastname',
  'fullname',
  'first_name',
  'last_name',
  'full_name',
  'email',
  'phone',
  'address',
  'message',
  'text',
  'body',
  'content',
]);

const SECRET_KEYS = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential/i;

export function maskEmail(email: string): string {
  return email.replace(
    EMAIL,
    (_m, first: string, domainFirst: string, tld: string) => `${first}***@${domainFirst}***.${tld}`,
  );
}

function maskPhoneMatch(match: string): string {
  const digits = match.replace(/\D/g, '');
  if (digits.length < 9) return match;
  return `***${digits.slice(-2)}`;
}

/** Masks e-mail addresses and phone numbers inside free text. */
export function maskText(text: string): string {
  return text.replace(EMAIL, (m) => maskEmail(m)).replace(PHONE, maskPhoneMatch);
}

/** Masks a personal name: "Michał Nowak" → "M***". */
export function maskName(name: string): string {
  const first = [...name.trim()][0];
  return first ? `${first}***` : '***';
}

/**
 * Deep-copies a value with personal data masked: values under personal keys are masked whole
 * (names reduced to an initial, free text masked), secrets are replaced, and every other string has
 * its e-mails and phone numbers masked.
 */
export function maskPersonalData(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth]';
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, depth + 1));
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const lower = key.toLowerCase();
      if (SECRET_KEYS.test(key)) out[key] = '[redacted]';
      else if (typeof v === 'string' && /name$/.test(lower) && PERSONAL_KEYS.has(lower))
        out[key] = maskName(v);
      else if (typeof v === 'string' && PERSONAL_KEYS.has(lower)) out[key] = `[${v.length} chars]`;
      else out[key] = maskPersonalData(v, depth + 1);
    }
    return out;
  }
  return value;
}
