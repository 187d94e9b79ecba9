import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

type AppOptions = Omit<Parameters<typeof createTestApp>[0] & object, 'studioDir'>;

/** Debian's Chromium (`apt-get install chromium`); the e2e files skip when it is absent. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
if (!hasChromium) console.warn(`[studio e2e] skipped: no Chromium at ${chromiumPath} (apt-get install chromium)`);

const studioDir = fileURLToPath(new URL('../../../studio/dist/renderer', import.meta.url));
const viteConfig = fileURLToPath(new URL('../../../studio/vite.config.ts', import.meta.url));

/**
 * Which studio the browser gets. `production`: the built renderer, served by the Baton server at /studio
 * (what `pnpm start` serves). `development`: the Vite dev server, as desktop development uses it, with
 * React's development build and StrictMode (double-invoked updaters, effects run twice); /graphql is
 * proxied to the Baton server, WebSocket included.
 */
export type StudioBuild = 'production' | 'development';
export const studioBuilds: StudioBuild[] = ['production', 'development'];
const screenshotDir = fileURLToPath(new URL('../../../docs/screenshots', import.meta.url));
const devScreenshotDir = join(tmpdir(), 'baton-studio-dev-screenshots');

export interface StudioHarness {
  t: TestApp;
  build: StudioBuild;
  /** Where the studio is served (the Baton server, or the Vite dev server in front of it). */
  url: string;
  browser: Browser;
  page: Page;
  /** Opens a studio route, e.g. `agents/new`. */
  open(route: string): Promise<void>;
  /**
   * Saves a 1280×800 screenshot of `page` (the harness's own by default): docs/screenshots/ for the production build,
   * a temp folder for the dev build.
   */
  screenshot(name: string, of?: Page): Promise<void>;
  close(): Promise<void>;
}

/** A real Baton server on a fresh test database, and Chromium at 1280×800 on its /studio. */
export async function startStudio(build: StudioBuild = 'production', options: AppOptions = {}): Promise<StudioHarness> {
  if (build === 'production' && !existsSync(`${studioDir}/index.html`))
    throw new Error('The studio is not built: run `pnpm --filter @baton/studio build` (pretest:unit does).');
  const t = await createTestApp(build === 'production' ? { ...options, studioDir } : options);
  const server = await t.app.start(0, '127.0.0.1');
  let vite: ViteDevServer | null = null;
  let url = server.url;
  if (build === 'development') {
    vite = await createServer({
      configFile: viteConfig,
      logLevel: 'warn',
      clearScreen: false,
      server: {
        host: '127.0.0.1',
        port: 0,
        strictPort: false,
        proxy: { '/graphql': { target: server.url, ws: true } },
      },
    });
    await vite.listen();
    url = vite.resolvedUrls!.local[0]!.replace(/\/studio\/$/, '');
  }
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
  // E2E_DEBUG=1: the page's console, navigations and WebSocket frames, for a failing run.
  if (process.env.E2E_DEBUG) {
    page.on('console', (m) => console.log('CONSOLE', m.type(), m.text()));
    page.on('framenavigated', (f) => console.log('NAV', f.url()));
    page.on('websocket', (ws) => {
      console.log('WS open', ws.url());
      ws.on('close', () => console.log('WS close', ws.url()));
      ws.on('framesent', (f) => console.log('SENT', String(f.payload).slice(0, 150)));
      ws.on('framereceived', (f) => console.log('RECV', String(f.payload).slice(0, 100)));
    });
  }
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // React reports broken keys, bad hook use and failed renders on the console, in the dev build above all.
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await mkdir(screenshotDir, { recursive: true });
  await mkdir(devScreenshotDir, { recursive: true });
  return {
    t,
    build,
    url,
    browser,
    page,
    async open(route) {
      // The dev server compiles the studio's modules on their first request: on a busy machine, longer than a step's wait.
      await page.goto(`${url}/studio/#/${route}`, { timeout: 60_000 });
    },
    async screenshot(name, of = page) {
      // Let transitions and the caret settle, so the picture is what a person sees.
      await of.waitForTimeout(250);
      await of.screenshot({ path: `${build === 'production' ? screenshotDir : devScreenshotDir}/${name}.png` });
    },
    async close() {
      await browser.close();
      await vite?.close();
      await t.close();
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
    },
  };
}
