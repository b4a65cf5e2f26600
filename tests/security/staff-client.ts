/** A minimal staff client for tests: keeps the session cookie like a browser and sends the CSRF header. */
import type { TestServer } from '../helpers/server.js';

export const ADMIN_EMAIL = 'owner@example.pl';
export const ADMIN_PASSWORD = 'Pierwsze-Haslo-2024!';

export interface CallOptions {
  body?: unknown;
  /** false: leave the CSRF header out; a string: send that instead of the session's. */
  csrf?: false | string;
  headers?: Record<string, string>;
  /** Send no cookie. */
  anonymous?: boolean;
}

export class StaffClient {
  cookie: string | undefined;
  csrfToken: string | undefined;
  setCookies: string[] = [];

  constructor(
    readonly baseUrl: string,
    readonly cookieName = 'fd_session',
  ) {}

  async call(method: string, path: string, options: CallOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-type'] ??= 'application/json';
    if (this.cookie && !options.anonymous) headers.cookie = `${this.cookieName}=${this.cookie}`;
    if (options.csrf !== false && !['GET', 'HEAD'].includes(method)) {
      const csrf = options.csrf ?? this.csrfToken;
      if (csrf) headers['x-csrf-token'] = csrf;
    }
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    this.setCookies = res.headers.getSetCookie();
    for (const line of this.setCookies) {
      const [pair] = line.split(';');
      const [name, value] = (pair ?? '').split('=');
      if (name === this.cookieName) this.cookie = value || undefined;
    }
    return res;
  }

  async login(email: string, password: string): Promise<Response> {
    const res = await this.call('POST', '/api/v1/auth/login', { body: { email, password } });
    if (res.ok) {
      const body = (await res.clone().json()) as { csrfToken: string };
      this.csrfToken = body.csrfToken;
    }
    return res;
  }
}

/** The one-time setup link the server logged at start-up. */
export function setupTokenFrom(server: TestServer): string {
  const line = [...server.logs].reverse().find((l) => typeof l.setupUrl === 'string');
  if (!line) throw new Error('no setup link was logged');
  const token = new URL(String(line.setupUrl)).searchParams.get('token');
  if (!token) throw new Error('the setup link has no token');
  return token;
}

/** Creates the first admin through the setup API and returns a signed-in client. */
export async function setupAdmin(server: TestServer): Promise<StaffClient> {
  const res = await fetch(`${server.url}/api/v1/auth/setup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      token: setupTokenFrom(server),
      email: ADMIN_EMAIL,
      name: 'Owner',
      password: ADMIN_PASSWORD,
    }),
  });
  if (res.status !== 201) throw new Error(`setup failed: ${res.status} ${await res.text()}`);
  const admin = new StaffClient(server.url);
  const login = await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD);
  if (login.status !== 200) throw new Error(`admin login failed: ${login.status}`);
  return admin;
}

/** Creates a staff account (as the admin) and returns it signed in. */
export async function staffWithRole(
  server: TestServer,
  admin: StaffClient,
  role: 'admin' | 'operator' | 'viewer',
  email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.pl`,
): Promise<StaffClient & { id: string }> {
  const password = staffPassword(role);
  const res = await admin.call('POST', '/api/v1/admin/users', {
    body: { email, name: role, role, password },
  });
  if (res.status !== 201) throw new Error(`creating ${role} failed: ${res.status} ${await res.text()}`);
  const { user } = (await res.json()) as { user: { id: string } };
  const client = new StaffClient(server.url) as StaffClient & { id: string };
  client.id = user.id;
  const login = await client.login(email, password);
  if (login.status !== 200) throw new Error(`${role} login failed: ${login.status}`);
  return client;
}

export async function createToken(
  admin: StaffClient,
  body: { name: string; scopes: string[]; role?: string; expiresInDays?: number },
): Promise<{ id: string; token: string }> {
  const res = await admin.call('POST', '/api/v1/admin/tokens', { body });
  if (res.status !== 201) throw new Error(`creating a token failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; token: string };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function staffPassword(role: string): string {
  return `Staff-${role}-Pass-2024`;
}
