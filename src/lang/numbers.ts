/**
 * Numbers in customer messages: floor areas ("50 m2", "62,5 metrów kwadratowych", "50 sqm") and budgets
 * ("200 tys. zł", "200k", "200.000 PLN", "budżet 150 tysięcy"), plus Polish and English formatting of
 * amounts and areas. Budgets are understood in PLN only: amounts in other currencies ("$50k", "20 000 EUR")
 * are ignored rather than converted. Pure functions, no I/O.
 */
import type { Locale } from './locale.js';
import { matchForm } from './text.js';

/** Plausible floor area of a flat or house, in m². */
export const AREA_RANGE = { min: 5, max: 2000 } as const;
/** Plausible renovation budget, in PLN. */
export const BUDGET_RANGE = { min: 1000, max: 100_000_000 } as const;

/** "62,5" / "62.5" → 62.5; "200 000" / "200.000" → 200000. */
export function parseDecimal(raw: string): number | null {
  const trimmed = raw.trim();
  let normalized: string;
  if (/^\d{1,3}(?:[ .\u00a0\u202f]\d{3})+(?:,\d+)?$/.test(trimmed)) {
    normalized = trimmed.replace(/[ .\u00a0\u202f]/g, '').replace(',', '.');
  } else if (/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(trimmed) && trimmed.split(',').length > 2) {
    normalized = trimmed.replace(/,/g, '');
  } else {
    normalized = trimmed.replace(',', '.');
  }
  if (!/^\d+(?:\.\d+)?$/.test(normalized)) return null;
  const value = Number(normalized);
  return Number.isFinite(value) ? value : null;
}

const AREA_NUMBER = String.raw`(\d{1,4}(?:[.,]\d{1,2})?)`;
const AREA_UNIT = String.raw`(?:m2|m\^2|m²|mkw\.?|m\.?\s?kw\.?|metr(?:y|ow|a|ach|ami|ze)?(?:\s+kw(?:\.|adratow(?:ych|e|y)?)?)?|sqm|sq\.?\s?m(?:eters?|etres?)?|sq\.?\s?ft|square\s+(?:met(?:er|re)s?|feet|foot)|met(?:er|re)s?(?:\s+squared)?)`;
const AREA_WITH_UNIT = new RegExp(String.raw`(?<![\d.,])${AREA_NUMBER}\s*(${AREA_UNIT})(?![\p{L}\d])`, 'gu');
const AREA_BY_KEYWORD = new RegExp(
  String.raw`(?:metraz\w*|powierzchni\w*|area|size)\s*(?:to|of|:|wynosi|ma|jest|is|-)?\s*(?:ok\.?|okolo|jakies|about|around|approx\.?|~)?\s*${AREA_NUMBER}(?![\d.,]*\s*(?:zl|pln|tys|k\b|%|pokoj|pieter|room|floor))`,
  'u',
);
const BARE_NUMBER = new RegExp(
  String.raw`^(?:ok\.?|okolo|jakies|mniej wiecej|about|around|approx\.?|roughly|~)?\s*${AREA_NUMBER}\s*(?:chyba|mniej wiecej|more or less|ish|or so)?\s*[.!]?$`,
  'u',
);

function inAreaRange(value: number | null): value is number {
  return value !== null && value >= AREA_RANGE.min && value <= AREA_RANGE.max;
}

export interface ExtractAreaOptions {
  /** The customer was just asked for the area: a bare "50" or "ok. 60" counts. */
  expectArea?: boolean;
}

/** Floor area in m² mentioned in a text ("50m2", "62,5 m²", "50 metrów kwadratowych", "50 sqm"). */
export function extractArea(text: string, options: ExtractAreaOptions = {}): number | null {
  const folded = matchForm(text);
  for (const m of folded.matchAll(AREA_WITH_UNIT)) {
    if (/ft|feet|foot/.test(m[2] ?? '')) continue;
    const value = parseDecimal(m[1] ?? '');
    if (inAreaRange(value)) return value;
  }
  const keyword = AREA_BY_KEYWORD.exec(folded);
  if (keyword) {
    const value = parseDecimal(keyword[1] ?? '');
    if (inAreaRange(value)) return value;
  }
  if (options.expectArea) {
    const bare = BARE_NUMBER.exec(folded);
    if (bare) {
      const value = parseDecimal(bare[1] ?? '');
      if (inAreaRange(value)) return value;
    }
  }
  return null;
}

const MONEY_NUMBER = String.raw`(\d{1,3}(?:[ .]\d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d+)?)`;
const PLN = String.raw`(?:zl(?:otych|ote|oty)?|pln)`;
const THOUSANDS = String.raw`(?:tys\.?|tysiecy|tysiace|tysiaca|tysiac|k)`;
const MILLIONS = String.raw`(?:mln\.?|milion(?:a|y|ow)?|m(?=\s*${PLN}))`;
const FOREIGN = /^\s*(?:usd|eur|euro|dolar|dollar|gbp|funt|pound|€|\$)/u;
const FOREIGN_BEFORE = /(?:\$|€|£|usd|eur|gbp)\s*$/u;
const PER_AREA = new RegExp(
  String.raw`^\s*(?:${PLN}\s*)?(?:/|za|per|na|a)\s*(?:m2|m²|metr|mkw|m\b|sqm|square)`,
  'u',
);

const MONEY = new RegExp(
  String.raw`(?<![\d.,])${MONEY_NUMBER}\s*(?:(${MILLIONS})|(${THOUSANDS}))?(?:\s*(${PLN}))?(?![\p{L}\d])`,
  'gu',
);
const MONEY_PREFIX = new RegExp(String.raw`(?:pln|zl)\s*${MONEY_NUMBER}`, 'gu');
const BUDGET_WORDS =
  /\b(?:budzet\w*|budget|dysponuj\w*|do wydania|wydac|maks\w*|max|maximum|up to|nie wiecej niz|afford|spend|planuj\w*)\b/u;

export interface ExtractBudgetOptions {
  /** The customer was just asked about the budget: a bare "150 tysięcy" or "200000" counts. */
  expectBudget?: boolean;
}

/**
 * Budget in PLN ("200 tys. zł", "200k", "200 000 zł", "200.000 PLN", "budżet 150 tysięcy", "1,5 mln").
 * A unit price ("999 zł/m2"), an area and amounts in other currencies are not budgets.
 */
export function extractBudget(text: string, options: ExtractBudgetOptions = {}): number | null {
  const folded = matchForm(text);
  const hasBudgetWord = BUDGET_WORDS.test(folded) || options.expectBudget === true;
  const candidates: Array<{ value: number; explicit: boolean }> = [];
  for (const m of folded.matchAll(MONEY)) {
    const [whole, numberText, millions, thousands, currency] = m;
    if (!millions && !thousands && !currency) continue;
    const start = m.index ?? 0;
    const after = folded.slice(start + whole.length);
    const before = folded.slice(0, start);
    if (FOREIGN.test(after) || FOREIGN_BEFORE.test(before)) continue;
    if (PER_AREA.test(after)) continue;
    const base = parseDecimal(numberText ?? '');
    if (base === null) continue;
    const value = Math.round(base * (millions ? 1_000_000 : thousands ? 1000 : 1));
    candidates.push({ value, explicit: true });
  }
  for (const m of folded.matchAll(MONEY_PREFIX)) {
    const after = folded.slice((m.index ?? 0) + m[0].length);
    if (PER_AREA.test(after) || /^\s*(?:tys|k\b|mln)/u.test(after)) continue;
    const base = parseDecimal(m[1] ?? '');
    if (base !== null) candidates.push({ value: Math.round(base), explicit: true });
  }
  if (hasBudgetWord && candidates.length === 0) {
    const bare = /(?:budzet\w*|budget)\D{0,20}?(\d{1,3}(?:[ .]\d{3})+|\d{4,9})(?![\d\p{L}])/u.exec(folded);
    const loose = options.expectBudget
      ? /^(?:ok\.?|okolo|about|around)?\s*(\d{1,3}(?:[ .]\d{3})+|\d{4,9})\s*$/u.exec(folded)
      : null;
    const raw = bare?.[1] ?? loose?.[1];
    const value = raw ? parseDecimal(raw) : null;
    if (value !== null) candidates.push({ value, explicit: false });
  }
  for (const candidate of candidates) {
    if (candidate.value < BUDGET_RANGE.min || candidate.value > BUDGET_RANGE.max) continue;
    if (hasBudgetWord || candidate.value >= 10_000) return candidate.value;
  }
  return null;
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/**
 * A whole amount of money: Polish "59 940 zł" (spaces from five digits up, as Polish typesetting does:
 * "1499 zł"), English "PLN 59,940". Amounts are rounded to whole units.
 */
export function formatMoney(amount: number, locale: Locale, currency = 'PLN'): string {
  const rounded = Math.round(amount);
  const negative = rounded < 0 ? '-' : '';
  const digits = String(Math.abs(rounded));
  if (locale === 'pl') {
    const grouped = digits.length >= 5 ? groupThousands(digits, ' ') : digits;
    const symbol = currency === 'PLN' ? 'zł' : currency;
    return `${negative}${grouped} ${symbol}`;
  }
  return `${negative}${currency} ${groupThousands(digits, ',')}`;
}

/** A number with up to two decimals in the locale's style: pl "62,5", en "62.5". */
export function formatDecimal(value: number, locale: Locale): string {
  const text = String(Math.round(value * 100) / 100);
  return locale === 'pl' ? text.replace('.', ',') : text;
}

/** "62,5 m²" / "62.5 m²". */
export function formatArea(areaM2: number, locale: Locale): string {
  return `${formatDecimal(areaM2, locale)} m²`;
}
