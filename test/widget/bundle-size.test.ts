import { describe, expect, it } from 'vitest';
// A plain .mjs script: `pnpm --filter @baton/widget build` (run by pretest:unit) builds and prints the same figures.
import { formatSizes, widgetSizes } from '../../widget/scripts/build.mjs';

describe('widget size budget', () => {
  it('keeps the loader under 3 kB and the chat under 35 kB, gzipped', async () => {
    const sizes = await widgetSizes();
    console.log(`[widget size]\n${formatSizes(sizes)}`);
    expect(sizes.map((s) => s.file)).toEqual(['baton-chat.js', 'baton-chat-app.js']);
    for (const s of sizes) expect(s.gzip, `${s.file} gzipped`).toBeLessThanOrEqual(s.budget);
  });
});
