import { toLocale } from './i18n';
import type { ChatResponse, Locale, MessageRole, TranscriptMessage, WidgetConfig } from './types';

const REQUEST_TIMEOUT_MS = 45_000;

/** The server answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The request never reached the server, or no answer came back in time. */
export class NetworkError extends Error {
  constructor(message = 'network_error') {
    super(message);
    this.name = 'NetworkError';
  }
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function strings(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string' && !!item)
    : [];
}

export async function requestJson(url: string, init: RequestInit = {}): Promise<unknown> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, {
      ...init,
      headers: { accept: 'application/json', ...(init.headers as Record<string, string> | undefined) },
      credentials: 'omit',
      signal: controller.signal,
    });
  } catch {
    throw new NetworkError();
  } finally {
    clearTimeout(timer);
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) {
    const error = isObject(body) ? body : {};
    const retryAfter = Number(response.headers.get('retry-after'));
    throw new ApiError(
      response.status,
      str(error.error, 'http_' + response.status),
      str(error.message, response.statusText),
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  return body;
}

export function parseConfig(raw: unknown, fallbackLocale: Locale): WidgetConfig {
  const data = isObject(raw) ? raw : {};
  const colors = isObject(data.colors) ? data.colors : {};
  return {
    locale: toLocale(str(data.locale)) ?? fallbackLocale,
    title: str(data.title),
    greeting: str(data.greeting),
    colors: {
      primary: str(colors.primary),
      onPrimary: str(colors.onPrimary),
      background: str(colors.background),
      text: str(colors.text),
    },
    position: data.position === 'left' ? 'left' : 'right',
    privacyPolicyUrl: str(data.privacyPolicyUrl),
    consentNotice: str(data.consentNotice),
    suggestions: strings(data.suggestions),
    strings: isObject(data.strings)
      ? Object.fromEntries(
          Object.entries(data.strings).filter(
            (entry): entry is [string, string] => typeof entry[1] === 'string',
          ),
        )
      : {},
  };
}

export function parseChatResponse(raw: unknown, fallbackLocale: Locale | undefined): ChatResponse {
  const data = isObject(raw) ? raw : {};
  const reply = isObject(data.reply) ? data.reply : {};
  const sessionId = str(data.sessionId);
  if (!sessionId) throw new ApiError(502, 'invalid_response', 'The server sent an unexpected answer.');
  const response: ChatResponse = {
    sessionId,
    locale: toLocale(str(data.locale)) ?? fallbackLocale ?? 'en',
    reply: { text: str(reply.text), suggestions: strings(reply.suggestions) },
  };
  const secret = str(data.sessionSecret);
  if (secret) response.sessionSecret = secret;
  if (isObject(data.handoff)) response.handoff = data.handoff;
  return response;
}

const ROLES: readonly MessageRole[] = ['user', 'assistant', 'operator', 'system'];

export function parseTranscript(raw: unknown): TranscriptMessage[] {
  const data = isObject(raw) ? raw : {};
  const list = Array.isArray(data.messages) ? data.messages : [];
  const messages: TranscriptMessage[] = [];
  for (const item of list) {
    if (!isObject(item)) continue;
    const role = ROLES.find((r) => r === item.role);
    const text = str(item.text);
    if (!role || !text) continue;
    messages.push({
      id: str(item.id),
      role,
      text,
      createdAt: str(item.createdAt),
      suggestions: strings(item.suggestions),
    });
  }
  return messages;
}
