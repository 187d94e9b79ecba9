import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

type AppOptions = Omit<Parameters<typeof createTestApp>[0] & object, 'studioDir'>;

/** Debian's Chromium (`apt-get install chromium`); the e2e files skip when it is absent. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`[studio e2e] skipped: no Chromium at ${chromiumPath} (apt-get install chromium)`);

const studioDir = fileURLToPath(new URL('../../../studio/dist/renderer', import.meta.url));
const screenshotDir = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url));

export interface StudioHarness {
  t: TestApp;
  url: string;
  browser: Browser;
  page: Page;
  /** Opens a studio route, e.g. `agents/new`. */
  open(route: string): Promise<void>;
  /** Saves a 1280×800 screenshot into docs/screenshots/. */
  screenshot(name: string): Promise<void>;
  close(): Promise<void>;
}

/** A real Baton server (with `options`, e.g. a seeded store) on a fresh test database, and Chromium at 1280×800 on its /studio. */
export async function startStudio(options: AppOptions = {}): Promise<StudioHarness> {
  if (!existsSync(`${studioDir}/index.html`))
    throw new Error('The studio is not built: run `pnpm --filter @baton/studio build` (pretest:unit does).');
  const t = await createTestApp({ ...options, studioDir });
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
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await mkdir(screenshotDir, { recursive: true });
  return {
    t,
    url,
    browser,
    page,
    async open(route) {
      await page.goto(`${url}/studio/#/${route}`);
    },
    async screenshot(name) {
      // Let transitions and the caret settle, so the picture is what a person sees.
      await page.waitForTimeout(250);
      await page.screenshot({ path: `${screenshotDir}/${name}.png` });
    },
    async close() {
      await browser.close();
      await t.close();
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}
