/**
 * Placeholders in knowledge texts, filled from business.yaml and packages.yaml when the base is loaded,
 * so that a phone number or a price is written once:
 *
 *   {{business.<field>}}        name, legalName, phone, email, address, website, bookingUrl, timezone, currency
 *   {{business.serviceArea}}    the cities, comma-separated
 *   {{business.hours}}          opening hours in the text's language ("pon.–pt. 8:00–18:00, sob. 9:00–14:00")
 *   {{package.<id>.name}}       the package's name
 *   {{package.<id>.price}}      its price per m² ("999 zł/m²", "1700–5000 zł/m²")
 *   {{package.<id>.weeks}}      its typical duration in weeks ("6–8")
 *   {{package.<id>.total:<m2>}} its price for an area of <m2> square metres ("49 950 zł")
 */

import type { BusinessProfile, Locale, Package } from './types.js';

const NUMBER_LOCALE: Record<Locale, string> = { pl: 'pl-PL', en: 'en-GB' };

const DAY_NAMES: Record<Locale, readonly string[]> = {
  pl: ['pon.', 'wt.', 'śr.', 'czw.', 'pt.', 'sob.', 'niedz.'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

const CLOSED: Record<Locale, string> = { pl: 'nieczynne', en: 'closed' };

// Formatters are costly to build and never change: one per locale, one symbol per currency.
const numberFormats = new Map<Locale, Intl.NumberFormat>();
const symbols = new Map<string, string>();

function wholeNumbers(locale: Locale): Intl.NumberFormat {
  let nf = numberFormats.get(locale);
  if (!nf) {
    nf = new Intl.NumberFormat(NUMBER_LOCALE[locale], { maximumFractionDigits: 0 });
    numberFormats.set(locale, nf);
  }
  return nf;
}

function currencySymbol(currency: string, locale: Locale): string {
  const key = `${currency}:${locale}`;
  let symbol = symbols.get(key);
  if (symbol === undefined) {
    symbol = findCurrencySymbol(currency, locale);
    if (symbols.size < 100) symbols.set(key, symbol);
  }
  return symbol;
}

function findCurrencySymbol(currency: string, locale: Locale): string {
  try {
    const parts = new Intl.NumberFormat(NUMBER_LOCALE[locale], {
      style: 'currency',
      currency,
      currencyDisplay: 'narrowSymbol',
    }).formatToParts(0);
    return parts.find((p) => p.type === 'currency')?.value ?? currency;
  } catch {
    return currency;
  }
}

/** "49 950 zł" (pl) / "49,950 zł" (en). */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  const number = wholeNumbers(locale).format(amount);
  return `${number} ${currencySymbol(currency, locale)}`;
}

function formatRange(min: number, max: number, format: (n: number) => string): string {
  return min === max ? format(min) : `${format(min)}–${format(max)}`;
}

/** "999 zł/m²" or "1700–5000 zł/m²". */
export function formatPricePerM2(pkg: Package, locale: Locale): string {
  const { min, max, currency } = pkg.pricePerM2;
  const nf = wholeNumbers(locale);
  return `${formatRange(min, max, (n) => nf.format(n))} ${currencySymbol(currency, locale)}/m²`;
}

/** The package's price for a given area: "49 950 zł" or "85 000–250 000 zł". */
export function formatPackageTotal(pkg: Package, areaM2: number, locale: Locale): string {
  const { min, max, currency } = pkg.pricePerM2;
  const nf = wholeNumbers(locale);
  return `${formatRange(min * areaM2, max * areaM2, (n) => nf.format(n))} ${currencySymbol(currency, locale)}`;
}

function shortTime(hhmm: string): string {
  return hhmm.replace(/^0(\d)/, '$1');
}

/** Opening hours grouped by runs of days with the same hours: "pon.–pt. 8:00–18:00, sob. 9:00–14:00". */
export function formatHours(hours: BusinessProfile['hours'], locale: Locale): string {
  const days = DAY_NAMES[locale];
  const groups: { from: number; to: number; value: string }[] = [];
  for (let day = 1; day <= 7; day++) {
    const value = hours[String(day) as keyof BusinessProfile['hours']];
    if (!value) continue;
    const last = groups[groups.length - 1];
    if (last && last.value === value && last.to === day - 1) last.to = day;
    else groups.push({ from: day, to: day, value });
  }
  if (groups.length === 0) return CLOSED[locale];
  return groups
    .map(({ from, to, value }) => {
      const [open = '', close = ''] = value.split('-');
      const range = from === to ? days[from - 1] : `${days[from - 1]}–${days[to - 1]}`;
      return `${range} ${shortTime(open)}–${shortTime(close)}`;
    })
    .join(', ');
}

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Fills the placeholders of one text; unknown placeholders are returned in `unknown`. */
export function renderText(
  template: string,
  locale: Locale,
  business: BusinessProfile,
  packages: ReadonlyMap<string, Package>,
): { text: string; unknown: string[] } {
  const unknown: string[] = [];
  const text = template.replace(PLACEHOLDER, (whole, key: string) => {
    const value = resolve(key, locale, business, packages);
    if (value === undefined) {
      unknown.push(whole);
      return whole;
    }
    return value;
  });
  return { text, unknown };
}

function resolve(
  key: string,
  locale: Locale,
  business: BusinessProfile,
  packages: ReadonlyMap<string, Package>,
): string | undefined {
  const businessMatch = /^business\.([A-Za-z]+)$/.exec(key);
  if (businessMatch) {
    const field = businessMatch[1] ?? '';
    if (field === 'serviceArea') return business.serviceArea.join(', ');
    if (field === 'hours') return formatHours(business.hours, locale);
    const value = (business as unknown as Record<string, unknown>)[field];
    return typeof value === 'string' ? value : undefined;
  }
  const packageMatch = /^package\.([a-z0-9_-]+)\.(name|price|weeks|total:(\d+(?:\.\d+)?))$/.exec(key);
  if (packageMatch) {
    const pkg = packages.get(packageMatch[1] ?? '');
    if (!pkg) return undefined;
    const what = packageMatch[2] ?? '';
    if (what === 'name') return pkg.name;
    if (what === 'price') return formatPricePerM2(pkg, locale);
    if (what === 'weeks') {
      return pkg.durationWeeks ? formatRange(pkg.durationWeeks.min, pkg.durationWeeks.max, String) : undefined;
    }
    return formatPackageTotal(pkg, Number(packageMatch[3]), locale);
  }
  return undefined;
}
