import { toLocale } from './i18n';
import type { Locale } from './types';

export interface EmbedOptions {
  /** Where the Frontdesk API lives, without a trailing slash. */
  baseUrl: string;
  /** The locale asked for by the page; undefined lets the server choose its default. */
  locale: Locale | undefined;
}

function httpUrl(value: string | null | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, window.location.href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

export function findEmbedScript(current: Element | null): HTMLScriptElement | null {
  if (current instanceof HTMLScriptElement) return current;
  return document.querySelector<HTMLScriptElement>('script[data-frontdesk-url], script[src*="widget"]');
}

export function resolveEmbedOptions(script: HTMLScriptElement | null): EmbedOptions {
  const explicit = httpUrl(script?.getAttribute('data-frontdesk-url'));
  const own = httpUrl(script?.src);
  const baseUrl = explicit
    ? (explicit.origin + explicit.pathname).replace(/\/+$/, '')
    : (own ?? new URL(window.location.href)).origin;
  const candidates = [
    script?.getAttribute('data-locale'),
    document.documentElement.getAttribute('lang'),
    ...(navigator.languages ?? []),
    navigator.language,
  ];
  let locale: Locale | undefined;
  for (const candidate of candidates) {
    locale = toLocale(candidate);
    if (locale) break;
  }
  return { baseUrl, locale };
}
