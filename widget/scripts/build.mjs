// Builds the widget: dist/baton-chat.js (the loader a shop embeds) and dist/baton-chat-app.js (the chat, loaded
// when the bubble is first opened). Prints both sizes gzipped and fails above the budget.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;

/** Gzipped-size budgets in bytes (issue 18): the loader before the bubble opens, and the whole chat. */
export const budgets = { 'baton-chat.js': 3 * 1024, 'baton-chat-app.js': 35 * 1024 };

export async function buildWidget() {
  await rm(dist, { recursive: true, force: true });
  await mkdir(dist, { recursive: true });
  const common = { bundle: true, minify: true, target: 'es2020', legalComments: 'none', logLevel: 'warning' };
  await build({ ...common, entryPoints: [`${root}src/loader.ts`], outfile: `${dist}/baton-chat.js`, format: 'iife' });
  await build({ ...common, entryPoints: [`${root}src/app.ts`], outfile: `${dist}/baton-chat-app.js`, format: 'esm' });
  return widgetSizes();
}

/** Each built file's size, raw and gzipped, with its budget. */
export async function widgetSizes() {
  const sizes = [];
  for (const [file, budget] of Object.entries(budgets)) {
    const bytes = await readFile(`${dist}/${file}`);
    sizes.push({ file, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, budget });
  }
  return sizes;
}

export function formatSizes(sizes) {
  return sizes
    .map(
      (s) =>
        `${s.file}: ${(s.gzip / 1024).toFixed(1)} kB gzipped (${(s.bytes / 1024).toFixed(1)} kB raw), budget ${(s.budget / 1024).toFixed(0)} kB`,
    )
    .join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const sizes = await buildWidget();
  console.log(`[widget] ${formatSizes(sizes).replaceAll('\n', '\n[widget] ')}`);
  const over = sizes.filter((s) => s.gzip > s.budget);
  if (over.length) {
    console.error(`[widget] over budget: ${over.map((s) => s.file).join(', ')}`);
    process.exit(1);
  }
}
