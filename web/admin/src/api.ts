/**
 * The admin API client: JSON in and out, the session's CSRF token on every write, and one quiet retry
 * after a 401 (the server rotates the session id now and then; a request that raced the rotation
 * carried the old cookie). A 401 that survives the retry ends the session in the panel.
 */

export interface StaffUser {
  id: string;
  email: string;
  name: string;
  role: 'viewer' | 'operator' | 'admin';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;
let sessionLost: () => void = () => undefined;
let refreshing: Promise<StaffUser | undefined> | undefined;

export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export function onSessionLost(handler: () => void): void {
  sessionLost = handler;
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function send(method: string, url: string, body: unknown): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (WRITE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  return fetch(url, {
    method,
    headers,
    credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function errorFrom(response: Response): Promise<ApiError> {
  try {
    const body = (await response.json()) as { error?: string; message?: string };
    return new ApiError(response.status, body.error ?? 'error', body.message ?? response.statusText);
  } catch {
    return new ApiError(response.status, 'error', response.statusText);
  }
}

/** GET /api/v1/auth/me: the signed-in user (and the CSRF token again), or undefined when signed out. */
export function currentSession(): Promise<StaffUser | undefined> {
  refreshing ??= (async () => {
    try {
      const response = await send('GET', '/api/v1/auth/me', undefined);
      if (!response.ok) return undefined;
      const body = (await response.json()) as { user: StaffUser; csrfToken: string };
      csrfToken = body.csrfToken;
      return body.user;
    } catch {
      return undefined;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

async function request(method: string, url: string, body: unknown): Promise<Response> {
  let response = await send(method, url, body);
  if (response.status === 401) {
    const user = await currentSession();
    if (user) response = await send(method, url, body);
    if (response.status === 401) {
      sessionLost();
      throw await errorFrom(response);
    }
  }
  if (!response.ok) throw await errorFrom(response);
  return response;
}

/** A file answer (an export archive) as a Blob, with the same CSRF and retry rules as `api`. */
export async function apiBlob(method: string, url: string, body?: unknown): Promise<Blob> {
  return (await request(method, url, body)).blob();
}

export async function api<T>(method: string, url: string, body?: unknown): Promise<T> {
  const response = await request(method, url, body);
  if (response.status === 204 || response.status === 202) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sign-in and setup answer 401/403 as ordinary results, not as a lost session. */
export async function publicPost<T>(url: string, body: unknown): Promise<T> {
  const response = await send('POST', url, body);
  if (!response.ok) throw await errorFrom(response);
  return (await response.json()) as T;
}

export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
