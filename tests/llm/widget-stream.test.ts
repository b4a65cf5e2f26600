/**
 * The widget shows an LLM reply as it is written (POST /api/v1/chat/stream), and falls back to
 * POST /api/v1/chat when the stream endpoint is not there. Real Chromium, real server, the fake
 * OpenAI-compatible provider streaming slowly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserSkipReason, launchBrowser, type LaunchedBrowser } from '../e2e/browser.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { startFakeLlmServer, type FakeLlmServer } from './fake-llm-server.js';

const skipReason = browserSkipReason();
const W = 'frontdesk-widget';
const REPLIES = `${W} .msg[data-role="assistant"]`;
const FIRST = 'Pakiet Comfort kosztuje 1499 zł za metr.';
const REST = ' Przy 50 m² to około 74 950 zł. Czy umówić bezpłatną konsultację?';

describe.skipIf(skipReason !== undefined)('widget streaming (Chromium)', () => {
  let fake: FakeLlmServer;
  let server: TestServer;
  let browser: LaunchedBrowser;
  let release: () => void = () => undefined;

  beforeAll(async () => {
    fake = await startFakeLlmServer();
    server = await startTestServer({
      env: {
        LLM_PROVIDER: 'openai-compatible',
        LLM_BASE_URL: fake.url,
        LLM_MODEL: 'stream-test',
        CHAT_MIN_INTERVAL_MS: '0',
      },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await fake?.close();
  });

  async function openChat() {
    const page = await browser.context.newPage();
    await page.goto(server.url + '/');
    // A fresh visitor: no remembered conversation or open panel from the previous test.
    await page.evaluate(() =>
      (globalThis as unknown as { localStorage: { clear(): void } }).localStorage.clear(),
    );
    await page.reload();
    await page.locator(`${W} .launcher`).click();
    await expect.poll(() => page.locator(`${W} [role="dialog"]`).isVisible()).toBe(true);
    return page;
  }

  it('renders the reply piece by piece as it is streamed', { timeout: 60_000 }, async () => {
    // The provider writes the first sentence, then waits until the test has seen it on screen.
    const gate = new Promise<void>((resolve) => (release = resolve));
    fake.handler = () => ({
      kind: 'text',
      text: FIRST + REST,
      chunks: [FIRST, ' '],
      gate,
      after: [REST.trimStart()],
    });
    const page = await openChat();
    const before = await page.locator(REPLIES).count();
    await page.locator(`${W} textarea`).fill('Ile kosztuje Comfort?');
    await page.locator(`${W} textarea`).press('Enter');
    // The first sentence is on screen while the rest is not written yet.
    await expect
      .poll(
        async () =>
          (await page.locator(REPLIES).count()) > before
            ? await page.locator(REPLIES).last().innerText()
            : '',
        {
          timeout: 20_000,
        },
      )
      .toContain('1499');
    expect(await page.locator(REPLIES).last().innerText()).not.toContain('74 950');
    release();
    await expect
      .poll(() => page.locator(REPLIES).last().innerText(), { timeout: 20_000 })
      .toContain('74 950');
    expect(await page.locator(REPLIES).count()).toBe(before + 1);
    await page.close();
    fake.handler = undefined;
  });

  it('falls back to POST /api/v1/chat when the stream endpoint is missing', { timeout: 60_000 }, async () => {
    fake.handler = () => ({ kind: 'text', text: 'Odpowiedź bez strumienia: Comfort 1499 zł.' });
    const page = await openChat();
    await page.route('**/api/v1/chat/stream', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: '{"error":"not_found","message":"Not found."}',
      }),
    );
    const before = await page.locator(REPLIES).count();
    await page.locator(`${W} textarea`).fill('Ile kosztuje Comfort?');
    await page.locator(`${W} textarea`).press('Enter');
    await expect
      .poll(
        async () =>
          (await page.locator(REPLIES).count()) > before
            ? await page.locator(REPLIES).last().innerText()
            : '',
        {
          timeout: 20_000,
        },
      )
      .toContain('Odpowiedź bez strumienia');
    await page.close();
    fake.handler = undefined;
  });
});
