/**
 * Normal forms of a message for attack detection: folded diacritics, look-alike letters and digit
 * substitutions ("1gn0re", Cyrillic "о" in a Latin word), letters written one by one ("i g n o r e")
 * and base64-looking blobs decoded. Only for matching: the customer's text itself is never changed.
 */
import { stripInvisible } from '../../../lang/text.js';

/** Folds case and accents; keeps Cyrillic letters (й → и, ї → і, ё → е). */
export function baseForm(text: string): string {
  return stripInvisible(text)
    .normalize('NFKC')
    .toLocaleLowerCase('pl')
    .replace(/ł/g, 'l')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cyrillic and Greek letters that look like Latin ones. */
const HOMOGLYPHS: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  α: 'a',
  ο: 'o',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ρ: 'p',
  τ: 't',
  υ: 'u',
};

const LEET: Record<string, string> = {
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '@': 'a',
  $: 's',
  '!': 'i',
  '|': 'l',
};

const LATIN_WORD_WITH_TRICKS = /[\p{L}\p{N}@$!|]+/gu;

/**
 * The base form with tricks undone inside words that mix Latin letters with look-alikes or digits
 * ("1gn0re" → "ignore", "sуstem" → "system"); pure numbers ("60 m2") and all-Cyrillic words stay.
 */
export function latinForm(base: string, one: 'i' | 'l' = 'i'): string {
  return base.replace(LATIN_WORD_WITH_TRICKS, (word) => {
    const hasLatin = /[a-z]/.test(word);
    const hasTrick = /[0-9@$!|]/.test(word) || /[\u0370-\u03ff\u0400-\u04ff]/.test(word);
    if (!hasLatin || !hasTrick) return word;
    if (/^[0-9]+[a-z]{1,3}[0-9]?$/.test(word)) return word; // 60m2, 3d, 2x
    return [...word].map((ch) => (ch === '1' ? one : (HOMOGLYPHS[ch] ?? LEET[ch] ?? ch))).join('');
  });
}

/** Joins letters written one by one ("i g n o r e", "s.y.s.t.e.m") into words. */
export function joinSpacedLetters(base: string): string {
  return base.replace(
    /(?:^|(?<=[\s"'(]))(?:[\p{L}\p{N}][ .\-_*·]){3,}[\p{L}\p{N}](?=$|[\s"'),.!?:;])/gu,
    (run) => run.replace(/[ .\-_*·]/g, ''),
  );
}

/** True when the message has a run of at least four letters written one by one. */
export function hasSpacedLetters(base: string): boolean {
  return /(?:^|\s)(?:[\p{L}\p{N}][ .\-_*·]){3,}[\p{L}\p{N}](?:$|\s)/u.test(base);
}

/** Every letter and digit, nothing else: catches words spread over spaces in any way. */
export function squashedForm(base: string): string {
  return base.replace(/[^\p{L}\p{N}]+/gu, '');
}

/** Decodes base64-looking blobs that turn out to be readable text. */
export function decodedBlobs(text: string): string[] {
  const out: string[] = [];
  for (const blob of text.match(/[A-Za-z0-9+/_-]{16,}={0,2}/g) ?? []) {
    if (!/[0-9+/=]/.test(blob) && !(/[A-Z]/.test(blob) && /[a-z]/.test(blob))) continue;
    const decoded = Buffer.from(blob.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const printable = decoded.replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, '');
    if (decoded.length >= 8 && printable.length / decoded.length > 0.9 && /\p{L}{3,}/u.test(decoded)) {
      out.push(decoded);
    }
  }
  return out;
}
