import type { Locale } from './types';

export interface UiStrings {
  openChat: string;
  closeChat: string;
  defaultTitle: string;
  inputLabel: string;
  inputPlaceholder: string;
  send: string;
  typing: string;
  transcript: string;
  suggestions: string;
  privacyPolicy: string;
  you: string;
  assistant: string;
  operator: string;
  system: string;
  retry: string;
  errorGeneric: string;
  errorOffline: string;
  errorRateLimited: string;
  errorUnavailable: string;
  offlineBanner: string;
}

const pl: UiStrings = {
  openChat: 'Otwórz czat',
  closeChat: 'Zamknij czat',
  defaultTitle: 'Czat',
  inputLabel: 'Twoja wiadomość',
  inputPlaceholder: 'Napisz wiadomość…',
  send: 'Wyślij',
  typing: 'Asystent pisze…',
  transcript: 'Rozmowa',
  suggestions: 'Sugerowane odpowiedzi',
  privacyPolicy: 'Polityka prywatności',
  you: 'Ty',
  assistant: 'Asystent',
  operator: 'Konsultant',
  system: 'Informacja',
  retry: 'Spróbuj ponownie',
  errorGeneric: 'Nie udało się wysłać wiadomości.',
  errorOffline: 'Brak połączenia z internetem. Wiadomość nie została wysłana.',
  errorRateLimited: 'Wysyłasz wiadomości zbyt szybko. Spróbuj ponownie za chwilę.',
  errorUnavailable: 'Czat jest chwilowo niedostępny.',
  offlineBanner: 'Jesteś offline. Sprawdź połączenie z internetem.',
};

const en: UiStrings = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  defaultTitle: 'Chat',
  inputLabel: 'Your message',
  inputPlaceholder: 'Type a message…',
  send: 'Send',
  typing: 'The assistant is typing…',
  transcript: 'Conversation',
  suggestions: 'Suggested replies',
  privacyPolicy: 'Privacy policy',
  you: 'You',
  assistant: 'Assistant',
  operator: 'Consultant',
  system: 'Notice',
  retry: 'Retry',
  errorGeneric: 'The message could not be sent.',
  errorOffline: 'No internet connection. The message was not sent.',
  errorRateLimited: 'You are sending messages too quickly. Please try again in a moment.',
  errorUnavailable: 'The chat is temporarily unavailable.',
  offlineBanner: 'You are offline. Check your internet connection.',
};

const builtIn: Record<Locale, UiStrings> = { pl, en };

export function uiStrings(locale: Locale, overrides: Partial<Record<string, string>> = {}): UiStrings {
  const base = { ...builtIn[locale] };
  for (const key of Object.keys(base) as (keyof UiStrings)[]) {
    const value = overrides[key];
    if (typeof value === 'string' && value.trim()) base[key] = value;
  }
  return base;
}

export function toLocale(value: string | null | undefined): Locale | undefined {
  const tag = (value ?? '').trim().toLowerCase();
  if (tag === 'pl' || tag.startsWith('pl-')) return 'pl';
  if (tag === 'en' || tag.startsWith('en-')) return 'en';
  return undefined;
}
