import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.js';
import { browserSkipReason, launchBrowser, type LaunchedBrowser } from './browser.js';

const ARTIFACTS = path.resolve('test-artifacts');
const skipReason = browserSkipReason();
if (skipReason) console.warn(skipReason);

const W = 'frontdesk-widget';
const SEL = {
  launcher: `${W} .launcher`,
  dialog: `${W} [role="dialog"]`,
  input: `${W} textarea`,
  consentLink: `${W} .consent a`,
  userMessages: `${W} .msg[data-role="user"]`,
  replies: `${W} .msg[data-role="assistant"], ${W} .msg[data-role="operator"]`,
  typing: `${W} .typing`,
  error: `${W} .error`,
  retry: `${W} .retry`,
};

/** Host page elements and properties that the widget must leave untouched. */
const STYLE_PROBES = [
  'html',
  'body',
  '.site-header',
  'h1',
  '.lead',
  '.btn',
  '.package',
  '.price strong',
  '.steps li',
  '.site-footer a',
];
const STYLE_PROPS = [
  'display',
  'position',
  'overflow',
  'box-sizing',
  'font-family',
  'font-size',
  'font-weight',
  'line-height',
  'letter-spacing',
  'color',
  'background-color',
  'margin-top',
  'padding-left',
  'text-align',
];

/**
 * The browser APIs used by the functions below that run inside the page. This test is compiled for
 * Node (no DOM library), so they are described here instead.
 */
interface PageElement {
  className: unknown;
  shadowRoot: { activeElement: PageElement | null } | null;
  closest(selector: string): PageElement | null;
}
interface PageGlobals {
  document: {
    activeElement: unknown;
    styleSheets: { length: number };
    querySelector(selector: string): PageElement | null;
  };
  localStorage: { clear(): void };
  getComputedStyle(element: PageElement): { getPropertyValue(property: string): string; fontSize: string };
}

interface Watched {
  problems: string[];
}

function watch(page: Page): Watched {
  const watched: Watched = { problems: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      watched.problems.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`));
  return watched;
}

async function snapshotHostPage(
  page: Page,
): Promise<{ styles: Record<string, string>; sheets: number; globals: string[] }> {
  return page.evaluate(
    ([probes, props]) => {
      const page = globalThis as unknown as PageGlobals;
      const styles: Record<string, string> = {};
      for (const selector of probes) {
        const element = page.document.querySelector(selector);
        if (!element) {
          styles[selector] = 'missing';
          continue;
        }
        const computed = page.getComputedStyle(element);
        for (const prop of props) styles[selector + ' ' + prop] = computed.getPropertyValue(prop);
      }
      return {
        styles,
        sheets: page.document.styleSheets.length,
        globals: Object.getOwnPropertyNames(globalThis).sort(),
      };
    },
    [STYLE_PROBES, STYLE_PROPS] as const,
  );
}

async function focusInWidget(page: Page): Promise<{ className: string; inPanel: boolean } | null> {
  return page.evaluate(() => {
    const { document } = globalThis as unknown as PageGlobals;
    const host = document.querySelector('frontdesk-widget');
    if (!host || document.activeElement !== host) return null;
    const active = host.shadowRoot ? host.shadowRoot.activeElement : null;
    if (!active) return null;
    return { className: String(active.className), inPanel: active.closest('.panel') !== null };
  });
}

function textOf(raw: string): string {
  return raw.replace(/^\s*(Asystent|Konsultant|Assistant|Consultant)\s*:?\s*/, '').trim();
}

/** Types a message the way a visitor does and waits for the answer; returns the answer's text. */
async function say(page: Page, message: string): Promise<string> {
  const replies = page.locator(SEL.replies);
  const before = await replies.count();
  await page.locator(SEL.input).fill(message);
  await page.keyboard.press('Enter');
  await expect.poll(() => replies.count(), { timeout: 45_000 }).toBeGreaterThan(before);
  await expect.poll(() => page.locator(SEL.typing).isHidden()).toBe(true);
  expect(await page.locator(SEL.error).isHidden()).toBe(true);
  await expect.poll(() => page.locator(SEL.userMessages).last().innerText()).toContain(message);
  const reply = textOf(await replies.last().innerText());
  expect(reply.length).toBeGreaterThan(0);
  return reply;
}

describe.skipIf(skipReason !== undefined)('chat widget on the demo page (Chromium)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>> | undefined;
  let browser: LaunchedBrowser | undefined;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    server = await startTestServer();
    browser = await launchBrowser({ viewport: { width: 1280, height: 800 } });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  function open(): { page: Promise<Page>; url: string } {
    if (!browser || !server) throw new Error('The browser or the server did not start.');
    return { page: browser.context.newPage(), url: server.url + '/' };
  }

  it('leaves the host page styles and globals alone', async () => {
    const target = open();
    const bare = await target.page;
    // The same page without the widget: /widget.js answers with an empty script.
    await bare.route('**/widget.js', (route) =>
      route.fulfill({ status: 200, contentType: 'text/javascript', body: '' }),
    );
    await bare.goto(target.url);
    const before = await snapshotHostPage(bare);
    await bare.close();

    const page = await open().page;
    const watched = watch(page);
    await page.goto(target.url);
    await page.locator(SEL.launcher).click();
    await expect.poll(() => page.locator(SEL.dialog).isVisible()).toBe(true);
    const after = await snapshotHostPage(page);

    expect(after.styles).toEqual(before.styles);
    expect(after.sheets).toBe(before.sheets);
    expect(after.globals.filter((name) => !before.globals.includes(name))).toEqual(['FrontdeskWidget']);
    expect(watched.problems).toEqual([]);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.clear());
    await page.close();
  });

  it('qualifies a lead in Polish, keeps the conversation across a reload and fits a phone screen', async () => {
    const target = open();
    const page = await target.page;
    const watched = watch(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(target.url);

    const launcher = page.locator(SEL.launcher);
    expect(await launcher.evaluate((el) => el.tagName)).toBe('BUTTON');
    expect(await launcher.getAttribute('aria-label')).toBeTruthy();
    await launcher.click();

    const dialog = page.locator(SEL.dialog);
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    expect(await page.locator(`${W} [role="log"]`).getAttribute('aria-live')).toBe('polite');

    // The consent notice with the privacy policy link is there before the first message.
    const privacy = page.locator(SEL.consentLink);
    await expect.poll(() => privacy.isVisible()).toBe(true);
    expect(await privacy.getAttribute('href')).toMatch(/^https?:\/\//);
    expect(await page.locator(SEL.userMessages).count()).toBe(0);

    const answers: string[] = [];
    answers.push(await say(page, 'Dzień dobry, interesuje mnie pakiet Comfort. Ile kosztuje?'));
    answers.push(await say(page, 'Mieszkanie ma 50 m2'));
    expect(answers.join('\n')).toMatch(/zł/);
    answers.push(await say(page, 'Mam na imię Anna'));
    answers.push(await say(page, 'Tak, zgadzam się na kontakt w sprawie wyceny'));
    answers.push(await say(page, 'anna.kowalska@example.com'));
    expect(await page.locator(SEL.userMessages).count()).toBe(5);

    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-desktop-1280x800.png') });

    // Reload: the panel is still open and the transcript comes back from the server.
    const repliesBefore = await page.locator(SEL.replies).count();
    await page.reload();
    await expect.poll(() => page.locator(SEL.dialog).isVisible()).toBe(true);
    await expect.poll(() => page.locator(SEL.userMessages).count(), { timeout: 15_000 }).toBe(5);
    expect(await page.locator(SEL.userMessages).nth(1).innerText()).toContain('50 m2');
    expect(await page.locator(SEL.replies).count()).toBeGreaterThanOrEqual(Math.min(repliesBefore, 5));
    const restored = await page.locator(`${W} [role="log"]`).innerText();
    expect(restored).toContain(answers[1]?.split('\n')[0] ?? '');

    // The conversation continues in the same session after the reload.
    await say(page, 'Dziękuję');
    expect(await page.locator(SEL.userMessages).count()).toBe(6);

    // Phone: the panel fills the screen and the input is 16px so iOS does not zoom in.
    await page.setViewportSize({ width: 390, height: 844 });
    const box = await dialog.boundingBox();
    expect(box?.width).toBe(390);
    expect(box?.height).toBe(844);
    expect(
      await page
        .locator(SEL.input)
        .evaluate((el) => (globalThis as unknown as PageGlobals).getComputedStyle(el).fontSize),
    ).toBe('16px');
    await page.screenshot({ path: path.join(ARTIFACTS, 'widget-mobile-390x844.png') });

    expect(watched.problems).toEqual([]);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.clear());
    await page.close();
  });

  it('works with the keyboard alone', async () => {
    const target = open();
    const page = await target.page;
    const watched = watch(page);
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(target.url);
    await page.locator(SEL.launcher).waitFor();

    let focused = await focusInWidget(page);
    for (let i = 0; i < 100 && focused?.className !== 'launcher'; i++) {
      await page.keyboard.press('Tab');
      focused = await focusInWidget(page);
    }
    expect(focused?.className).toBe('launcher');

    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator(SEL.dialog).isVisible()).toBe(true);
    expect((await focusInWidget(page))?.className).toBe('input');

    const replies = page.locator(SEL.replies);
    const before = await replies.count();
    await page.keyboard.type('Dzień dobry, jakie macie pakiety?');
    await page.keyboard.press('Enter');
    await expect.poll(() => replies.count(), { timeout: 45_000 }).toBeGreaterThan(before);
    expect(await page.locator(SEL.userMessages).last().innerText()).toContain('jakie macie pakiety');

    // Focus stays inside the dialog however far the visitor tabs, both ways.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press(i < 6 ? 'Tab' : 'Shift+Tab');
      expect((await focusInWidget(page))?.inPanel).toBe(true);
    }

    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator(SEL.dialog).isHidden()).toBe(true);
    expect((await focusInWidget(page))?.className).toBe('launcher');

    expect(watched.problems).toEqual([]);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.clear());
    await page.close();
  });

  it('offers Retry when offline and re-sends the same message once back online', async () => {
    const target = open();
    const page = await target.page;
    const watched = watch(page);
    await page.goto(target.url);
    await page.locator(SEL.launcher).waitFor();
    // Host page links marked data-frontdesk-open open the chat instead of navigating.
    await page.getByRole('link', { name: 'Zapytaj o wycenę na czacie' }).click();
    await expect.poll(() => page.locator(SEL.dialog).isVisible()).toBe(true);
    expect(new URL(page.url()).hash).toBe('');

    await browser?.context.setOffline(true);
    try {
      await page.locator(SEL.input).fill('Czy robicie łazienki?');
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator(SEL.error).isVisible()).toBe(true);
      expect(await page.locator(`${W} .banner`).isVisible()).toBe(true);
    } finally {
      await browser?.context.setOffline(false);
    }

    const replies = page.locator(SEL.replies);
    const before = await replies.count();
    await page.locator(SEL.retry).click();
    await expect.poll(() => replies.count(), { timeout: 45_000 }).toBeGreaterThan(before);
    expect(await page.locator(SEL.error).isHidden()).toBe(true);
    expect(await page.locator(SEL.userMessages).count()).toBe(1);

    expect(watched.problems).toEqual([]);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).localStorage.clear());
    await page.close();
  });
});
