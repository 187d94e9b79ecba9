import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/src/config.js';
import { ConfigError } from '../../server/src/errors.js';
import { applyHeapGrowth } from '../../server/src/heap-growth.js';

const probe = fileURLToPath(new URL('../fakes/heap-growth-probe.ts', import.meta.url));

async function majorGcs(percent: number): Promise<{ applied: number; majorGcs: number }> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', probe, String(percent)], {});
  return JSON.parse(stdout.trim().split('\n').at(-1)!);
}

/** HEAP_GROWING_PERCENT: the heap's room past the last full collection (README, bench/README.md). */
describe('applyHeapGrowth', () => {
  it('reaches V8: a smaller percent runs more full collections for the same retained heap', async () => {
    const [tight, loose] = await Promise.all([majorGcs(20), majorGcs(300)]);
    expect(tight.applied).toBe(20);
    expect(loose.applied).toBe(300);
    expect(tight.majorGcs).toBeGreaterThan(loose.majorGcs + 1);
  }, 60_000);

  it("leaves V8's own factor with 0, and the operator's node flag wins over the setting", () => {
    expect(applyHeapGrowth(0, [])).toBeUndefined();
    expect(applyHeapGrowth(50, ['--heap-growing-percent=80'])).toBe(80);
    expect(applyHeapGrowth(50, ['--max-old-space-size=512', '--heap_growing_percent=30'])).toBe(30);
  });

  it('defaults to 0 (V8 decides) and refuses what is not a percent from 0 to 300, naming the setting', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(0);
    expect(loadConfig({ HEAP_GROWING_PERCENT: '50' }).heapGrowingPercent).toBe(50);
    for (const bad of ['-1', '301', 'lots'])
      expect(() => loadConfig({ HEAP_GROWING_PERCENT: bad })).toThrow(
        expect.objectContaining({ constructor: ConfigError, message: expect.stringContaining('HEAP_GROWING_PERCENT') }),
      );
  });
});
