import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PacedModel } from '../../fakes/paced-model.js';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';
import { chromiumPath } from '../../studio/e2e/studio-harness.js';

export { hasChromium } from '../../studio/e2e/studio-harness.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const widgetDir = fileURLToPath(new URL('../../../widget/dist', import.meta.url));
const screenshotDir = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url));

export interface StorefrontHarness {
  t: TestApp;
  url: string;
  browser: Browser;
  /** A fresh browser context (its own sessionStorage, like a new tab) on /demo. */
  openDemo(options?: {
    viewport?: { width: number; height: number };
  }): Promise<{ context: BrowserContext; page: Page }>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real Baton server (development mode, so the demo's customer-token endpoint is on) on a fresh seeded
 * database, replying with the offline provider paced like a streaming model, and Chromium.
 */
export async function startStorefront(): Promise<StorefrontHarness> {
  if (!existsSync(`${widgetDir}/baton-chat.js`))
    throw new Error('The widget is not built: run `pnpm --filter @baton/widget build` (pretest:unit does).');
  const t = await createTestApp({
    env: { SEED_DEMO_DATA: 'true', NODE_ENV: 'development' },
    models: new PacedModel(25),
  });
  const { url } = await t.app.start(0, '127.0.0.1');
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  await mkdir(screenshotDir, { recursive: true });
  const errors: string[] = [];
  return {
    t,
    url,
    browser,
    async openDemo(options = {}) {
      const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 800 } });
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (e) => errors.push(e.message));
      return { context, page };
    },
    async screenshot(page, name) {
      await page.waitForTimeout(200);
      await page.screenshot({ path: `${screenshotDir}/${name}.png` });
    },
    async close() {
      await browser.close();
      await t.close();
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}

/** Records, on every change inside the widget, how many status lines there are and each reply bubble's text. */
export async function recordWidget(page: Page): Promise<void> {
  await page.evaluate(() => {
    const root = document.querySelector('baton-chat')!.shadowRoot!;
    const w = window as unknown as { widgetLog: { statuses: number; answers: string[]; conn: string }[] };
    w.widgetLog = [];
    const snap = () =>
      w.widgetLog.push({
        statuses: root.querySelectorAll('.status').length,
        answers: [...root.querySelectorAll('.msg.assistant')].map((n) => n.textContent ?? ''),
        conn: root.querySelector('.conn')?.textContent ?? '',
      });
    new MutationObserver(snap).observe(root, { subtree: true, childList: true, characterData: true });
  });
}

export const widgetLog = (page: Page) =>
  page.evaluate(
    () => (window as unknown as { widgetLog: { statuses: number; answers: string[]; conn: string }[] }).widgetLog,
  );

/** The widget on a page, and what a shopper does with it. */
export const chat = (page: Page) => page.locator('baton-chat');

/** Opens the chat from its bubble and waits for the panel. */
export async function openChat(page: Page): Promise<void> {
  await chat(page)
    .getByRole('button', { name: /Open chat/ })
    .click();
  await chat(page).getByRole('dialog').waitFor();
}

/** Types a message in the chat and sends it with Enter. */
export async function ask(page: Page, text: string): Promise<void> {
  await chat(page).getByRole('textbox', { name: 'Message' }).fill(text);
  await chat(page).getByRole('textbox', { name: 'Message' }).press('Enter');
}

/** axe-core's accessibility violations of the page as it is now (the widget's shadow DOM included). */
export async function axeViolations(
  page: Page,
): Promise<{ id: string; impact: string; nodes: { target: unknown }[] }[]> {
  await page.addScriptTag({ path: axePath });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(c: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run(document);
    return result.violations as { id: string; impact: string; nodes: { target: unknown }[] }[];
  });
}
