import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../server/src/cli/eval-command.js';

const fixture = new URL('../../fixtures/routing.jsonl', import.meta.url).pathname;

describe('baton eval dataset', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-eval-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        out: (l: string) => out.push(l),
        err: (l: string) => err.push(l),
        env: { NODE_ENV: 'test', SEED_DEMO_DATA: 'false' },
      },
    };
  };

  it('runs the routing fixture as an experiment and exits 1 under the threshold', async () => {
    // The fixture plus one case no planner should pass (an order question expected at the leads agent),
    // so that a threshold of 100% is missed whatever the stand-in scores on the fixture itself.
    const file = join(dir, 'routing-plus-wrong.jsonl');
    await writeFile(
      file,
      `${(await readFile(fixture, 'utf8')).trimEnd()}\n${JSON.stringify({ utterance: 'Where is my order #W2611340?', agents: ['LeadGenerationAgent'] })}\n`,
    );
    const r = io();
    const code = await run(['dataset', file, '--threshold', '1', '--provider', 'offline'], r.io);
    const summary = r.out[0]!;
    expect(summary).toMatch(/pass rate \d+\.\d% \(\d+\/\d+\) · provider offline/);
    const [, passed, total] = summary.match(/\((\d+)\/(\d+)\)/)!;
    expect(Number(passed)).toBeLessThan(Number(total));
    expect(code).toBe(1);
    expect(r.err.join('\n')).toContain('under the threshold 100.0%');
    expect(r.out).toContain(`Failed (${Number(total) - Number(passed)}):`);
  });

  it('exits 0 at or over the threshold, and 2 on bad flags', async () => {
    const file = join(dir, 'small.jsonl');
    await writeFile(
      file,
      '{"utterance":"where is my order #W2378156?","agents":["OrderManagementAgent"]}\n{"kind":"scenario","name":"search","turns":[{"user":"do you have running shoes?","expectAgents":["ProductExpertAgent"]}]}\n',
    );
    const r = io();
    expect(await run(['dataset', file, '--threshold', '0.5'], r.io)).toBe(0);
    expect(r.out[0]).toContain('(2/2)');
    expect(await run(['dataset', file, '--threshold', 'x'], io().io)).toBe(2);
    expect(await run(['dataset', file, '--bogus', '1'], io().io)).toBe(2);
  });
});
