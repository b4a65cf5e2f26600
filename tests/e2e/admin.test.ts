/**
 * The admin panel in a real Chromium against the real server: first-admin setup from the printed
 * link, sign-in, conversations (live list, handoff claim/reply/release), leads (status, notes), the
 * language switch, session expiry and sign-out; at 1280×800 and 390×844.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';
import {
  FAST_OUTBOX,
  formLead,
  postLead,
  startHttpPeer,
  type FakeHttpPeer,
} from '../integrations/fake-peers.js';
import { chat, startChat, waitFor } from '../live/helpers.js';
import { copyShippedKnowledge } from '../../src/modules/knowledge/test-support.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, setupAdmin, type StaffClient } from '../security/staff-client.js';
import { browserSkipReason, launchBrowser, type LaunchedBrowser } from './browser.js';

const ARTIFACTS = path.resolve('test-artifacts');
const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const ADMIN = { name: 'Anna Admin', email: 'anna.admin@example.pl', password: 'kolorowe-okno-w-kuchni-42' };

interface PageGlobals {
  document: { scrollingElement: { scrollWidth: number; clientWidth: number } | null };
}

function watch(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return problems;
}

async function noHorizontalScroll(page: Page): Promise<void> {
  const size = await page.evaluate(() => {
    const el = (globalThis as unknown as PageGlobals).document.scrollingElement;
    return el ? { scroll: el.scrollWidth, client: el.clientWidth } : { scroll: 0, client: 0 };
  });
  expect(size.scroll, 'horizontal scrolling').toBeLessThanOrEqual(size.client);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `admin-${name}.png`), fullPage: true });
}

async function signIn(
  page: Page,
  base: string,
  who: { email: string; password: string } = ADMIN,
): Promise<void> {
  await page.goto(`${base}/admin/`);
  await page.getByLabel(/E-mail/).fill(who.email);
  await page.getByLabel(/^(Hasło|Password)$/).fill(who.password);
  await page.getByRole('button', { name: /^(Zaloguj się|Sign in)$/ }).click();
  await page.getByRole('heading', { level: 1, name: /^(Rozmowy|Conversations)$/ }).waitFor();
}

async function createLead(base: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/leads`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'Jan Kowalski',
      email: 'jan.kowalski@example.pl',
      city: 'Warszawa',
      area: 60,
      package: 'comfort',
      locale: 'pl',
      consent: { processing: true, marketing: false },
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

describe.skipIf(skipReason !== undefined)('admin panel (Chromium)', () => {
  let server: TestServer;
  let setupUrl: string;

  beforeAll(async () => {
    expect(existsSync(path.resolve('dist/web/admin/index.html')), 'the admin panel is built').toBe(true);
    // Sessions rotate every 3 s of use: requests racing a rotation must recover without a sign-in.
    server = await startTestServer({ env: { AUTH_SESSION_ROTATE_SECONDS: '3' } });
    const line = server.logs.find((l) => typeof l['setupUrl'] === 'string');
    expect(line, 'the server prints a setup link at first start').toBeTruthy();
    setupUrl = new URL(String(line!['setupUrl'])).pathname + new URL(String(line!['setupUrl'])).search;
  });

  afterAll(async () => {
    await server?.close();
  });

  it('serves /admin/ with the strict CSP, no inline script, hashed immutable assets and client routes', async () => {
    const res = await fetch(`${server.url}/admin/`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/admin\/assets\/[\w-]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/\sstyle=/);
    expect(html).not.toMatch(/\son[a-z]+=/);
    expect(html).not.toMatch(/https?:\/\//);
    const asset = /src="(\/admin\/assets\/[\w-]+\.js)"/.exec(html)![1]!;
    const js = await fetch(server.url + asset);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect(js.headers.get('content-type')).toContain('javascript');
    for (const p of ['/admin/leads/abc', '/admin/setup?token=x']) {
      const page = await fetch(server.url + p);
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(html);
    }
    expect((await fetch(`${server.url}/admin/assets/nope-12345678.js`)).status).toBe(404);
    expect((await fetch(`${server.url}/admin/assets/..%2f..%2fpackage.json`)).status).toBe(404);
    const bare = await fetch(`${server.url}/admin`);
    expect(bare.status).toBe(200);
    expect(await bare.text()).toBe(html);
  });

  it('a newcomer sets up the first admin from the printed link and sees the widget conversation; works live', async () => {
    const demo = await startChat(
      server.url,
      'Dzień dobry, ile kosztuje wykończenie 50 m2 w pakiecie Comfort?',
    );
    const waiting = await startChat(server.url, 'Chcę porozmawiać z konsultantem, mieszkanie w Gdańsku');
    expect(waiting.answer.handoff?.status).toBe('waiting');

    const browser: LaunchedBrowser = await launchBrowser({
      viewport: { width: 1280, height: 800 },
      locale: 'pl-PL',
    });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);

      await page.goto(server.url + setupUrl);
      await page.getByRole('heading', { level: 1, name: 'Utwórz pierwszego administratora' }).waitFor();
      await shot(page, 'setup-desktop');
      await page.getByLabel('Imię i nazwisko').fill(ADMIN.name);
      await page.getByLabel('E-mail').fill(ADMIN.email);
      await page.getByLabel('Hasło', { exact: true }).fill(ADMIN.password);
      await page.getByLabel('Powtórz hasło').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Utwórz konto' }).click();

      // Signed in, on the conversation list, with the widget conversations and the waiting handoff.
      await page.getByRole('heading', { level: 1, name: 'Rozmowy' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/admin/');
      await page.locator(`a[href="/admin/conversations/${demo.sessionId}"]`).first().waitFor();
      const queue = page.getByRole('region', { name: 'Kolejka przekazań' });
      await queue.locator(`a[href="/admin/conversations/${waiting.sessionId}"]`).waitFor();
      await expect(page.getByRole('navigation', { name: 'Nawigacja główna' }).isVisible()).resolves.toBe(
        true,
      );
      await noHorizontalScroll(page);
      await shot(page, 'conversations-desktop');

      // A conversation that starts now appears without a reload (admin WebSocket).
      const fresh = await startChat(server.url, 'Czy robicie łazienki w Krakowie?');
      await page
        .locator(`a[href="/admin/conversations/${fresh.sessionId}"]`)
        .first()
        .waitFor({ timeout: 20_000 });

      // Search narrows the list.
      await page.getByLabel('Szukaj').fill('łazienki');
      await page.getByRole('button', { name: 'Szukaj' }).click();
      await page.locator(`a[href="/admin/conversations/${demo.sessionId}"]`).waitFor({ state: 'detached' });
      await page.locator(`a[href="/admin/conversations/${fresh.sessionId}"]`).waitFor();

      // Take over the waiting conversation, answer, see the customer's message live, hand it back.
      await queue.locator(`a[href="/admin/conversations/${waiting.sessionId}"]`).click();
      await page.getByText('Klient czeka na konsultanta.').waitFor();
      await page.getByRole('button', { name: 'Przejmij rozmowę' }).click();
      const replyBox = page.getByLabel('Twoja odpowiedź dla klienta');
      await replyBox.waitFor();
      await replyBox.fill('Dzień dobry, tu Anna. W czym mogę pomóc?');
      await page.getByRole('button', { name: 'Wyślij' }).click();
      await page.locator('.msg[data-role="operator"]', { hasText: 'tu Anna' }).waitFor();
      const silent = await chat(server.url, 'Mam pytanie o termin', waiting);
      expect(silent.reply).toBeNull();
      await page
        .locator('.msg[data-role="user"]', { hasText: 'Mam pytanie o termin' })
        .waitFor({ timeout: 20_000 });
      await noHorizontalScroll(page);
      await shot(page, 'conversation-desktop');
      await page.getByRole('button', { name: 'Oddaj asystentowi' }).click();
      await replyBox.waitFor({ state: 'detached' });
      const transcript = await fetch(`${server.url}/api/v1/chat/${waiting.sessionId}/messages`, {
        headers: { 'x-session-secret': waiting.secret },
      });
      expect(JSON.stringify(await transcript.json())).toContain('tu Anna');

      // Leads: change the status along the pipeline, add a note, open the detail.
      const leadId = await createLead(server.url);
      await page.getByRole('link', { name: 'Leady' }).click();
      await page.getByRole('heading', { level: 1, name: 'Leady' }).waitFor();
      const row = page.locator('tr', { has: page.locator(`a[href="/admin/leads/${leadId}"]`) });
      const status = row.getByLabel('Zmień status');
      await expect(status.locator('option').allTextContents()).resolves.toEqual([
        'nowy',
        'skontaktowany',
        'utracony',
      ]);
      await status.selectOption('contacted');
      await page.getByText('Status zmieniony.').waitFor();
      await waitFor(async () => (await status.inputValue()) === 'contacted', 'status shown');
      await noHorizontalScroll(page);
      await shot(page, 'leads-desktop');
      const exportHref = await page.getByRole('link', { name: 'Eksport CSV' }).getAttribute('href');
      expect(exportHref).toBe('/api/v1/admin/leads/export?format=csv');
      await row.locator(`a[href="/admin/leads/${leadId}"]`).click();
      await page.getByRole('heading', { level: 1, name: 'Jan Kowalski' }).waitFor();
      await page.getByLabel('Notatka').fill('Oddzwonić w piątek');
      await page.getByRole('button', { name: 'Dodaj notatkę' }).click();
      await page.locator('.note-text', { hasText: 'Oddzwonić w piątek' }).waitFor();
      await shot(page, 'lead-desktop');

      // Language: English on request, remembered after a reload.
      await page.getByLabel('Język').selectOption('en');
      await page.getByRole('link', { name: 'Conversations' }).waitFor();
      await page.reload();
      await page.getByRole('link', { name: 'Conversations' }).waitFor();
      expect(
        await page.evaluate(
          () =>
            (globalThis as unknown as { document: { documentElement: { lang: string } } }).document
              .documentElement.lang,
        ),
      ).toBe('en');

      // Keyboard: the skip link moves the focus to the content.
      const skip = page.getByRole('link', { name: 'Skip to content' });
      await skip.focus();
      await page.keyboard.press('Enter');
      await expect(
        page.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document
              .activeElement?.id,
        ),
      ).resolves.toBe('main');

      // The session ends on the server (cookie gone): the next action leads back to sign-in.
      await browser.context.clearCookies();
      await page.getByRole('link', { name: 'Leads' }).click();
      await page.getByText('Your session has ended. Please sign in again.').waitFor();

      await signIn(page, server.url);
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { level: 1, name: 'Sign in to Frontdesk' }).waitFor();
      const me = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
      expect(me).toBe(401);
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('works at 390×844: bottom navigation, no horizontal scrolling', async () => {
    const session = await startChat(server.url, 'Chcę porozmawiać z konsultantem o mieszkaniu 48 m2');
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'pl-PL' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);
      await page.goto(`${server.url}/admin/`);
      await page.getByRole('heading', { level: 1, name: 'Logowanie do Frontdesk' }).waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'login-mobile');
      await signIn(page, server.url);
      const nav = page.getByRole('navigation', { name: 'Nawigacja główna' });
      const box = await nav.boundingBox();
      expect(box && box.y + box.height).toBeGreaterThan(800);
      await page.locator(`a[href="/admin/conversations/${session.sessionId}"]`).first().waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'conversations-mobile');
      await page.locator(`a[href="/admin/conversations/${session.sessionId}"]`).first().click();
      await page.getByRole('button', { name: 'Przejmij rozmowę' }).waitFor();
      // Extracted details: labels in the panel's language, values with their units.
      const area = page.locator('.details [data-detail="areaM2"]');
      await expect(area.locator('dt').textContent()).resolves.toBe('Powierzchnia');
      await expect(area.locator('dd').textContent()).resolves.toBe('48 m²');
      await expect(page.locator('.details [data-detail="intent"] dt').textContent()).resolves.toBe(
        'Ostatni temat',
      );
      await expect(page.locator('.details dt').allTextContents()).resolves.not.toContain('areaM2');
      await noHorizontalScroll(page);
      await shot(page, 'conversation-mobile');
      await page.getByRole('link', { name: 'Leady' }).click();
      await page.locator('tbody tr').first().waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'leads-mobile');
      await page.locator('tbody tr a').first().click();
      await page.getByRole('heading', { level: 2, name: 'Notatki' }).waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'lead-mobile');
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

/**
 * The admin-only screens against a server whose webhook provider always fails (so dead letters
 * exist): operations, users and tokens, the dashboard.
 */
describe.skipIf(skipReason !== undefined)('admin panel: operations, users, dashboard (Chromium)', () => {
  let server: TestServer;
  let hook: FakeHttpPeer;
  let admin: StaffClient;
  const OWNER = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

  beforeAll(async () => {
    hook = await startHttpPeer({ kind: 'fail', status: 500 });
    server = await startTestServer({
      env: {
        ...FAST_OUTBOX,
        OUTBOX_MAX_ATTEMPTS: '1',
        INTEGRATION_BREAKER_FAILURES: '1000',
        WEBHOOK_URL: `${hook.url}/hook`,
        WEBHOOK_SECRET: 'a-test-secret-of-some-length',
      },
    });
    admin = await setupAdmin(server);
  });

  afterAll(async () => {
    await server?.close();
    await hook?.close();
  });

  interface Letter {
    id: string;
    eventId: string;
    payload: { leadId?: string };
  }
  const letters = async (): Promise<Letter[]> =>
    ((await (await admin.call('GET', '/api/v1/admin/dead-letters')).json()) as { deadLetters: Letter[] })
      .deadLetters;

  it('operations: integration status, dead letters redrive/discard, blocklist add/lift, audit log', async () => {
    const leadIds: string[] = [];
    for (const n of [1, 2]) {
      const res = await postLead(server.url, formLead(700 + n));
      expect(res.status).toBe(201);
      leadIds.push(((await res.json()) as { id: string }).id);
    }
    await waitFor(async () => (await letters()).length >= 2, 'two dead letters', 60_000);
    const [first, second] = (await letters()).filter((l) => leadIds.includes(String(l.payload.leadId)));
    expect(first && second).toBeTruthy();

    const browser = await launchBrowser({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Operacje' }).click();
      await page.getByRole('heading', { level: 1, name: 'Operacje' }).waitFor();

      // Integration status: the webhook is configured and its breaker closed; monday.com is not set up.
      const webhook = page.locator('[data-adapter="webhook"]');
      await webhook.getByText('skonfigurowana', { exact: true }).waitFor();
      await webhook.getByText(/bezpiecznik: zamknięty/).waitFor();
      await page.locator('[data-adapter="monday"]').getByText('nieskonfigurowana').waitFor();

      // Dead letters: discard one (after confirming), redrive the other once the provider answers.
      const discardRow = page.locator(`.entry[data-id="${first!.id}"]`);
      await discardRow.getByRole('button', { name: 'Odrzuć' }).click();
      await discardRow.getByRole('button', { name: 'Odrzuć na stałe' }).click();
      await page.getByText('Odrzucono.').waitFor();
      await discardRow.waitFor({ state: 'detached' });
      expect((await letters()).some((l) => l.id === first!.id)).toBe(false);

      hook.mode = { kind: 'ok' };
      const redriveRow = page.locator(`.entry[data-id="${second!.id}"]`);
      await redriveRow.getByRole('button', { name: 'Ponów' }).click();
      await page.getByText('Ponownie w kolejce.').waitFor();
      await waitFor(
        () => hook.delivered.some((r) => r.headers['x-frontdesk-event-id'] === second!.eventId),
        'the redriven delivery',
        30_000,
      );

      // Blocklist: block an address, see it in force, lift it.
      await page.locator('select[name="kind"]').selectOption('ip');
      await page.getByLabel('Adres lub id sesji').fill('203.0.113.77');
      await page.getByLabel('Minuty').fill('30');
      await page.getByLabel('Powód').fill('spam z formularza');
      await page.getByRole('button', { name: 'Zablokuj' }).click();
      await page.getByText('Zablokowano.').waitFor();
      const blocked = page.locator('.entry', { hasText: '203.0.113.77' });
      await blocked.getByText('aktywna').waitFor();
      // Backups: one made now is listed.
      const backupSection = page.getByRole('region', { name: 'Kopie zapasowe' });
      await backupSection.getByRole('button', { name: 'Zrób kopię teraz' }).click();
      await backupSection.locator('.backup-entry').first().waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'operations-desktop');
      await blocked.getByRole('button', { name: 'Zdejmij' }).click();
      await blocked.getByRole('button', { name: 'Zdejmij blokadę' }).click();
      await page.getByText('Blokada zdjęta.').waitFor();
      await blocked.getByRole('button', { name: 'Zdejmij' }).waitFor({ state: 'detached' });

      // Audit log: the panel's own writes are there; the action filter narrows the list.
      const audit = page.getByRole('region', { name: 'Dziennik zdarzeń' });
      await audit.getByLabel('Akcja').fill('blocklist.removed');
      await audit.getByRole('button', { name: 'Szukaj' }).click();
      await audit.locator('tbody tr', { hasText: 'blocklist.removed' }).waitFor();
      await waitFor(
        async () => (await audit.locator('tbody tr').count()) === 1,
        'only the matching audit entry',
      );
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }

    const mobile = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'pl-PL' });
    try {
      const page = mobile.context.pages()[0] ?? (await mobile.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Operacje' }).click();
      await page.locator('[data-adapter="webhook"]').waitFor();
      await page.locator('.audit-table tbody tr').first().waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'operations-mobile');
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await mobile.close();
    }
  });

  it('users and API tokens: create, change role, disable; a token shown once, working, then revoked', async () => {
    const browser = await launchBrowser({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Użytkownicy' }).click();
      await page.getByRole('heading', { level: 1, name: 'Użytkownicy' }).waitFor();

      // A new operator account; then a role change and disabling it (after confirming).
      const staff = page.getByRole('region', { name: 'Konta pracowników' });
      await staff.getByLabel('Imię i nazwisko').fill('Olga Operator');
      await staff.getByLabel('E-mail').fill('olga.operator@example.pl');
      await staff.locator('select[name="newRole"]').selectOption('operator');
      await staff.getByLabel('Hasło początkowe').fill('Olga-Haslo-Mocne-2024');
      await staff.getByRole('button', { name: 'Utwórz konto' }).click();
      await page.getByText('Konto utworzone.').waitFor();
      const row = staff.locator('tr[data-user="olga.operator@example.pl"]');
      await row.waitFor();
      const login = (password: string) =>
        fetch(`${server.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'olga.operator@example.pl', password }),
        });
      expect((await login('Olga-Haslo-Mocne-2024')).status).toBe(200);
      await row.locator('select[name="role"]').selectOption('viewer');
      await page.getByText('Zapisano.').waitFor();
      const users = async () =>
        (
          (await (await admin.call('GET', '/api/v1/admin/users')).json()) as {
            users: Array<{ email: string; role: string; disabled: boolean }>;
          }
        ).users.find((u) => u.email === 'olga.operator@example.pl');
      await waitFor(async () => (await users())?.role === 'viewer', 'the role change');
      await row.getByRole('button', { name: 'Wyłącz' }).click();
      await row.getByRole('button', { name: 'Wyłącz konto' }).click();
      await row.getByText('wyłączone').waitFor();
      expect((await users())?.disabled).toBe(true);
      expect((await login('Olga-Haslo-Mocne-2024')).status).toBe(401);

      // An API token: the secret is shown once, works, and stops working when revoked.
      const tokens = page.getByRole('region', { name: 'Tokeny API' });
      await tokens.getByLabel('Nazwa tokenu').fill('Eksport do CRM');
      await tokens.getByRole('checkbox', { name: 'leads:read' }).check();
      await tokens.getByRole('button', { name: 'Utwórz token' }).click();
      await page.getByText('Skopiuj token teraz: jest pokazywany tylko ten jeden raz.').waitFor();
      const secret = await tokens.locator('input[name="secret"]').inputValue();
      expect(secret).toMatch(/^fd_/);
      const withToken = () =>
        fetch(`${server.url}/api/v1/admin/leads`, { headers: { authorization: `Bearer ${secret}` } });
      expect((await withToken()).status).toBe(200);
      const item = tokens.locator('.entry[data-token="Eksport do CRM"]');
      await item.waitFor();
      expect(await item.textContent()).not.toContain(secret);
      await noHorizontalScroll(page);
      await shot(page, 'users-desktop');
      await tokens.getByRole('button', { name: 'Zapisałem go' }).click();
      await tokens.locator('input[name="secret"]').waitFor({ state: 'detached' });
      await item.getByRole('button', { name: 'Unieważnij' }).click();
      await item.getByRole('button', { name: 'Unieważnij token' }).click();
      await page.getByText('Token unieważniony.').waitFor();
      expect((await withToken()).status).toBe(401);
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }

    const mobile = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'pl-PL' });
    try {
      const page = mobile.context.pages()[0] ?? (await mobile.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Użytkownicy' }).click();
      await page.locator('tr[data-user="olga.operator@example.pl"]').waitFor();
      await page.locator('.entry[data-token="Eksport do CRM"]').waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'users-mobile');
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await mobile.close();
    }
  });

  it('dashboard: numbers for now update live, the API summary adds up, charts per day/week/month', async () => {
    await startChat(server.url, 'Dzień dobry, ile kosztuje pakiet Premium za 40 m2?');
    const handoff = await startChat(server.url, 'Chcę porozmawiać z konsultantem');
    expect(handoff.answer.handoff?.status).toBe('waiting');

    interface Summary {
      now: { conversationsToday: number; leadsToday: number; handoffsWaiting: number };
      totals: {
        conversations: number;
        leads: number;
        conversion: number | null;
        replyP95Seconds: number | null;
      };
      series: Array<{ conversations: number }>;
    }
    const summary = async (range = 'day') =>
      (await (await admin.call('GET', `/api/v1/admin/analytics/summary?range=${range}`)).json()) as Summary;
    const before = await summary();
    expect(before.now.conversationsToday).toBeGreaterThanOrEqual(2);
    expect(before.now.handoffsWaiting).toBeGreaterThanOrEqual(1);
    expect(before.now.leadsToday).toBeGreaterThanOrEqual(2);
    expect(before.totals.replyP95Seconds).not.toBeNull();
    expect(before.series).toHaveLength(24);
    expect(before.series.reduce((sum, b) => sum + b.conversations, 0)).toBe(before.totals.conversations);
    expect((await summary('week')).series).toHaveLength(7);
    expect((await summary('month')).series).toHaveLength(30);

    const browser = await launchBrowser({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Pulpit' }).click();
      await page.getByRole('heading', { level: 1, name: 'Pulpit' }).waitFor();
      const today = page.locator('[data-tile="conversations-today"] .tile-value');
      await waitFor(
        async () => (await today.textContent()) === String(before.now.conversationsToday),
        'the tile',
      );
      await page.locator('.live-dot.on').waitFor();

      const llmErrors = page.locator('[data-tile="llm-errors"]');
      await expect(llmErrors.locator('.tile-label').textContent()).resolves.toBe('Błędy LLM');
      await expect(llmErrors.locator('.tile-value').textContent()).resolves.toBe('0');

      // Failed LLM calls recorded (by any replica) and a conversation that starts now show up in the
      // numbers without a reload.
      await server.runtime.db.query(
        `INSERT INTO llm_failures (provider, model, kind, http_status)
         VALUES ('primary', 'test-model', 'server', 503), ('primary', 'test-model', 'server', 503),
                ('secondary', 'test-model', 'timeout', NULL)`,
      );
      await startChat(server.url, 'Czy robicie remonty w Poznaniu?');
      await waitFor(
        async () => (await today.textContent()) === String(before.now.conversationsToday + 1),
        'the live update of conversations today',
        20_000,
      );
      await waitFor(
        async () => (await llmErrors.locator('.tile-value').textContent()) === '3',
        'LLM errors of the period',
        20_000,
      );
      await expect(page.locator('.llm-error-kinds').textContent()).resolves.toBe(
        'Błędy LLM według rodzaju: błąd dostawcy (5xx) 2 · przekroczony czas 1',
      );
      await expect(page.locator('.chart-svg.conversations rect.bar').count()).resolves.toBe(24);
      await noHorizontalScroll(page);
      await shot(page, 'dashboard-desktop');
      await page.getByRole('button', { name: 'Ostatnie 7 dni' }).click();
      await waitFor(
        async () => (await page.locator('.chart-svg.conversations rect.bar').count()) === 7,
        'a week',
      );
      await page.getByRole('button', { name: 'Ostatnie 30 dni' }).click();
      await waitFor(async () => (await page.locator('.chart-svg.leads rect.bar').count()) === 30, 'a month');
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }

    const mobile = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'pl-PL' });
    try {
      const page = mobile.context.pages()[0] ?? (await mobile.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Pulpit' }).click();
      await page.locator('.chart-svg.conversations').waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'dashboard-mobile');
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await mobile.close();
    }
  });

  it('privacy: find a person by e-mail, download the archive, erase after confirming', async () => {
    const subjectEmail = 'prywatnosc.test@example.pl';
    const res = await postLead(server.url, formLead(900, { email: subjectEmail, phone: '+48 601 900 900' }));
    expect(res.status).toBe(201);
    const leadId = ((await res.json()) as { id: string }).id;

    const browser = await launchBrowser({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Prywatność' }).click();
      await page.getByRole('heading', { level: 1, name: 'Prywatność' }).waitFor();
      const form = page.getByRole('search', { name: 'Znajdź osobę' });
      await form.getByRole('button', { name: 'Szukaj' }).click();
      await page.getByText('Podaj adres e-mail lub numer telefonu.').waitFor();
      await form.getByLabel('E-mail').fill(subjectEmail);
      await form.getByRole('button', { name: 'Szukaj' }).click();
      await page.getByRole('heading', { level: 2, name: 'Dane przechowywane o tej osobie' }).waitFor();
      await page.locator('tr[data-table="leads"]').waitFor();
      await page.locator(`a[href="/admin/leads/${leadId}"]`).first().waitFor();
      // The person's consent history, event by event (the form gave both consents).
      const history = page.getByRole('region', { name: 'Historia zgód tej osoby' });
      await history.locator('tr[data-consent="marketing:given:form"]').waitFor();
      await history.locator('tr[data-consent="processing:given:form"]').waitFor();
      await expect(history.locator('tbody tr').count()).resolves.toBe(2);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Pobierz wszystko (zip)' }).click(),
      ]);
      expect(download.suggestedFilename()).toBe('personal-data.zip');
      await page.getByText('Archiwum zostało pobrane.').waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'privacy-desktop');

      await page.getByRole('button', { name: 'Usuń…' }).click();
      await page.getByText('Usunąć wszystkie dane tej osoby? Tego nie można cofnąć.').waitFor();
      await page.getByRole('button', { name: 'Usuń na zawsze' }).click();
      await page.getByRole('heading', { level: 2, name: 'Usunięto' }).waitFor();
      await page.getByText(/Kopie zapasowe przechowują te dane do/).waitFor();
      // The consent history stays, with the withdrawals the erasure recorded.
      await history.locator('tr[data-consent="processing:withdrawn:erasure"]').waitFor();
      await expect(history.locator('tbody tr').count()).resolves.toBe(4);

      // The consent trail of everyone, filtered by purpose, with its CSV export.
      await page.getByRole('button', { name: 'Historia zgód', exact: true }).click();
      const trail = page.getByRole('search', { name: 'Historia zgód' });
      await trail.getByLabel('Cel').selectOption('marketing');
      await trail.getByRole('button', { name: 'Szukaj' }).click();
      await page.locator('tr[data-consent="marketing:withdrawn:erasure"]').waitFor();
      await waitFor(
        async () =>
          (await page.locator('.consent-table tbody tr').count()) > 0 &&
          (await page.locator('.consent-table tbody tr:not([data-consent^="marketing:"])').count()) === 0,
        'only marketing consent in the trail',
      );
      await expect(page.getByRole('link', { name: 'Eksport CSV' }).getAttribute('href')).resolves.toBe(
        '/api/v1/admin/privacy/consents/export?purpose=marketing',
      );
      await noHorizontalScroll(page);
      await shot(page, 'privacy-trail-desktop');
      const after = await admin.call(
        'GET',
        `/api/v1/admin/privacy/search?email=${encodeURIComponent(subjectEmail)}`,
      );
      expect(((await after.json()) as { found: boolean }).found).toBe(false);
      expect((await admin.call('GET', `/api/v1/admin/leads/${leadId}`)).status).toBe(404);
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }

    expect((await postLead(server.url, formLead(901))).status).toBe(201);
    const mobile = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'pl-PL' });
    try {
      const page = mobile.context.pages()[0] ?? (await mobile.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Prywatność' }).click();
      await page.getByLabel('E-mail').fill('anna901@example.pl');
      await page.getByRole('button', { name: 'Szukaj' }).click();
      await page.locator('tr[data-table="leads"]').waitFor();
      await page.locator('.consent-table tr[data-consent="marketing:given:form"]').waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'privacy-mobile');
      await page.getByRole('button', { name: 'Historia zgód', exact: true }).click();
      await page.locator('.consent-table tbody tr').first().waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'privacy-trail-mobile');
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await mobile.close();
    }
  });
});

/**
 * The Knowledge screen against a server whose knowledge directory is a private copy (the panel writes
 * to it): a price changed inline, the FAQ searched, an FAQ entry created from a group of unanswered
 * questions (and then found by the chat), edited and deleted; at 1280×800 and 390×844.
 */
describe.skipIf(skipReason !== undefined)('admin panel: knowledge (Chromium)', () => {
  let server: TestServer;
  let admin: StaffClient;
  let knowledge: { dir: string; remove: () => Promise<void> };
  const OWNER = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

  beforeAll(async () => {
    knowledge = await copyShippedKnowledge();
    server = await startTestServer({ env: { KNOWLEDGE_DIR: knowledge.dir } });
    admin = await setupAdmin(server);
  });

  afterAll(async () => {
    await server?.close();
    await knowledge?.remove();
  });

  interface Faq {
    id: string;
    answer: { pl: string };
  }
  const faqEntries = async (): Promise<Faq[]> =>
    ((await (await admin.call('GET', '/api/v1/admin/knowledge/faq')).json()) as { entries: Faq[] }).entries;

  it('knowledge: inline price edit, FAQ search, FAQ from unanswered questions, edit and delete', async () => {
    await startChat(server.url, 'Czy naprawiacie rowery górskie?');
    await startChat(server.url, 'czy naprawiacie rowery gorskie');

    const browser = await launchBrowser({ viewport: { width: 1280, height: 800 }, locale: 'pl-PL' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('link', { name: 'Wiedza' }).click();
      await page.getByRole('heading', { level: 1, name: 'Wiedza' }).waitFor();

      // The price of one package, edited in its row.
      const row = page.locator('[data-package="express"]');
      await row.getByLabel(/cena od/).fill('1111');
      await row.getByLabel(/cena do/).fill('1111');
      await row.getByRole('button', { name: 'Zapisz' }).click();
      await row.getByText('Zapisano.').waitFor();
      const packages = (await (await admin.call('GET', '/api/v1/admin/knowledge/packages')).json()) as {
        packages: Array<{ id: string; pricePerM2: { min: number } }>;
      };
      expect(packages.packages.find((p) => p.id === 'express')!.pricePerM2.min).toBe(1111);

      // Search narrows the FAQ list.
      const items = page.locator('.faq-item');
      const all = await items.count();
      expect(all).toBeGreaterThan(3);
      await page.getByLabel('Szukaj w FAQ').fill('zaliczka');
      await waitFor(async () => {
        const n = await items.count();
        return n > 0 && n < all;
      }, 'the FAQ filter');
      await page.getByLabel('Szukaj w FAQ').fill('');

      // A group of unanswered questions becomes an FAQ entry.
      const group = page.locator('.group-item', { hasText: 'rowery' });
      await group.getByText('2 × pytań').waitFor();
      await group.getByRole('button', { name: 'Utwórz pytanie FAQ z tej grupy' }).click();
      const form = page.locator('.faq-form');
      await expect.poll(() => form.getByLabel('Pytanie (polski)').inputValue()).toMatch(/rowery/);
      await form.getByLabel('Pytanie (angielski)').fill('Do you repair mountain bikes?');
      await form.getByLabel('Odpowiedź (polski)').fill('Nie, rowerów nie naprawiamy — wykańczamy wnętrza.');
      await form.getByLabel('Odpowiedź (angielski)').fill('No, we only finish interiors.');
      await shot(page, 'knowledge-form');
      await form.getByRole('button', { name: 'Zapisz' }).click();
      await form.waitFor({ state: 'detached' });
      const created = await waitFor(
        async () => (await faqEntries()).find((e) => e.answer.pl.includes('rowerów nie naprawiamy')),
        'the new FAQ entry',
      );
      const answer = await chat(server.url, 'Czy naprawiacie rowery górskie?');
      expect(answer.reply?.text).toContain('rowerów nie naprawiamy');

      // Edit it, then delete it with the two-step confirmation.
      const item = page.locator(`[data-faq="${created.id}"]`);
      await item.getByRole('button', { name: /^Edytuj/ }).click();
      await form.getByLabel('Odpowiedź (polski)').fill('Nie naprawiamy rowerów.');
      await form.getByRole('button', { name: 'Zapisz' }).click();
      await form.waitFor({ state: 'detached' });
      await waitFor(
        async () => (await faqEntries()).some((e) => e.answer.pl === 'Nie naprawiamy rowerów.'),
        'the edited answer',
      );
      await noHorizontalScroll(page);
      await shot(page, 'knowledge');
      await item.getByRole('button', { name: 'Usuń…' }).click();
      await item.getByRole('button', { name: 'Usuń na stałe' }).click();
      await item.waitFor({ state: 'detached' });
      expect((await faqEntries()).some((e) => e.id === created.id)).toBe(false);
      // The one 401 is the panel asking /api/v1/auth/me before anyone has signed in.
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('knowledge works at 390×844 in English: bottom navigation, a new FAQ entry, no horizontal scrolling', async () => {
    const browser = await launchBrowser({ viewport: { width: 390, height: 844 }, locale: 'en-GB' });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const problems = watch(page);
      await signIn(page, server.url, OWNER);
      await page.getByRole('navigation').getByRole('link', { name: 'Knowledge' }).click();
      await page.getByRole('heading', { level: 1, name: 'Knowledge' }).waitFor();
      await page.locator('[data-package="express"]').waitFor();
      await noHorizontalScroll(page);
      await page.getByRole('button', { name: 'New FAQ entry' }).first().click();
      const form = page.locator('.faq-form');
      await form.getByLabel('Question (Polish)').fill('Czy macie parking dla klientów?');
      await form.getByLabel('Answer (Polish)').fill('Tak, dwa miejsca przed biurem.');
      await form.getByLabel('Question (English)').fill('Do you have customer parking?');
      await form.getByLabel('Answer (English)').fill('Yes, two spaces in front of the office.');
      await form.getByLabel('Tags').fill('parking, auto');
      await noHorizontalScroll(page);
      await form.getByRole('button', { name: 'Save' }).click();
      await form.waitFor({ state: 'detached' });
      await page.locator('.faq-item', { hasText: 'Do you have customer parking?' }).waitFor();
      await noHorizontalScroll(page);
      await shot(page, 'knowledge-mobile');
      // The one 401 is the panel asking /api/v1/auth/me before anyone has signed in.
      expect(problems.filter((p) => !/status of 401/.test(p))).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
