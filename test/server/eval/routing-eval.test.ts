import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as runEvalCommand } from '../../../server/src/cli/eval-command.js';
import { isValidationError } from '../../../server/src/errors.js';
import { createEvalPlanner } from '../../../server/src/eval/eval-planner.js';
import {
  evaluateRouting,
  formatRoutingReport,
  parseRoutingCases,
  REFUSAL,
  type RoutingCase,
} from '../../../server/src/eval/routing-eval.js';

const fixturePath = new URL('../../fixtures/routing.jsonl', import.meta.url);
const fixture = parseRoutingCases(readFileSync(fixturePath, 'utf8'));
const builtins = [
  'OrderManagementAgent',
  'ProductExpertAgent',
  'ReturnsAgent',
  'GeneralSupportAgent',
  'UpsellAgent',
  'LeadGenerationAgent',
  'HumanTransferAgent',
];

describe('parseRoutingCases', () => {
  it('reads JSON lines, skipping blank ones, and remembers each line number', () => {
    const cases = parseRoutingCases('{"utterance":"hi","agents":["A"]}\n\n{"utterance":"poem","agents":[]}\n');
    expect(cases.map((c) => [c.utterance, c.agents, c.line])).toEqual([
      ['hi', ['A'], 1],
      ['poem', [], 3],
    ]);
  });

  it('names the offending line for bad JSON and for a bad shape', () => {
    const expectLineError = (text: string, line: number, hint: RegExp) => {
      try {
        parseRoutingCases(text);
        expect.unreachable('should have thrown');
      } catch (err) {
        expect(isValidationError(err)).toBe(true);
        expect((err as Error).message).toMatch(new RegExp(`^line ${line}: `));
        expect((err as Error).message).toMatch(hint);
      }
    };
    expectLineError('{"utterance":"hi","agents":[]}\n{"utterance": "oops"', 2, /invalid JSON/);
    expectLineError('{"utterance":"hi","agents":[]}\n\n{"utterance":"x","agents":"A"}', 3, /agents/);
    expectLineError('{"agents":[]}', 1, /utterance/);
  });
});

describe('evaluateRouting', () => {
  const cases: RoutingCase[] = [
    { utterance: 'where is my order', agents: ['Orders'] },
    { utterance: 'order and shoes', agents: ['Orders', 'Products'] },
    { utterance: 'shoes', agents: ['Products'] },
    { utterance: 'a poem', agents: [] },
  ];
  const answers: Record<string, string[]> = {
    'where is my order': ['Orders'],
    'order and shoes': ['Products', 'Orders', 'Orders'],
    shoes: ['Support'],
    'a poem': ['Support'],
  };

  it('scores exact agent sets, ignoring order and repeats, with a per-agent confusion table and the misses', async () => {
    const report = await evaluateRouting(cases, async (u) => answers[u]!);
    expect(report.correct).toBe(2);
    expect(report.accuracy).toBe(0.5);
    const row = (agent: string) => report.perAgent.find((r) => r.agent === agent)!;
    expect(row('Orders')).toMatchObject({ truePositives: 2, falsePositives: 0, falseNegatives: 0, recall: 1 });
    expect(row('Products')).toMatchObject({ truePositives: 1, falseNegatives: 1, confusedWith: { Support: 1 } });
    expect(row('Support')).toMatchObject({ truePositives: 0, falsePositives: 2 });
    expect(row(REFUSAL)).toMatchObject({ falseNegatives: 1, confusedWith: { Support: 1 } });
    expect(report.misses.map((m) => [m.utterance, m.expected, m.actual])).toEqual([
      ['shoes', ['Products'], ['Support']],
      ['a poem', [], ['Support']],
    ]);
    const text = formatRoutingReport(report).join('\n');
    expect(text).toContain('Routing accuracy: 50.0% (2/4');
    expect(text).toMatch(/Products\s+1\s+0\s+1\s+100\.0%\s+50\.0%\s+Support×1/);
    expect(text).toContain('"a poem"');
    expect(text).toContain(`expected ${REFUSAL}, got Support`);
  });
});

describe('the routing fixture', () => {
  it('covers every built-in agent, multi-intent lines, misspellings, greetings, off-topic and abuse', () => {
    expect(fixture.length).toBeGreaterThanOrEqual(150);
    for (const agent of builtins)
      expect(fixture.filter((c) => c.agents.includes(agent)).length).toBeGreaterThanOrEqual(15);
    expect(fixture.filter((c) => new Set(c.agents).size > 1).length).toBeGreaterThanOrEqual(30);
    const tagged = (tag: string) => fixture.filter((c) => c.tags?.includes(tag)).length;
    expect(tagged('typo')).toBeGreaterThanOrEqual(20);
    expect(tagged('greeting')).toBeGreaterThan(0);
    expect(fixture.filter((c) => c.tags?.includes('offtopic') && c.agents.length === 0).length).toBeGreaterThan(0);
    expect(fixture.filter((c) => c.tags?.includes('abusive') && c.agents.length === 0).length).toBeGreaterThan(0);
    expect(fixture.flatMap((c) => c.agents).every((a) => builtins.includes(a))).toBe(true);
  });

  it('is planned with at least 90% exact agent-set accuracy by the offline planner', async () => {
    const report = await evaluateRouting(fixture, createEvalPlanner());
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the reference routing set (written from tau-bench tasks and the seed, never tuned on)', () => {
  const reference = parseRoutingCases(
    readFileSync(new URL('../../fixtures/routing-reference.jsonl', import.meta.url), 'utf8'),
  );

  it('says how it was written and where each utterance comes from', () => {
    const text = readFileSync(new URL('../../fixtures/routing-reference.jsonl', import.meta.url), 'utf8');
    expect(text.split('\n')[0]).toMatch(/^# A second routing set/);
    expect(reference.length).toBeGreaterThanOrEqual(50);
    expect(reference.every((c) => c.source)).toBe(true);
  });

  it("prints both sets' accuracy in the CI output", async () => {
    const planner = createEvalPlanner();
    const own = await evaluateRouting(fixture, planner);
    const ref = await evaluateRouting(reference, planner);
    console.log(`routing.jsonl: ${formatRoutingReport(own)[0]}`);
    console.log(`routing-reference.jsonl: ${formatRoutingReport(ref)[0]}`);
    expect(own.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(ref.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe('the held-out routing set (written from the cards alone; its check half is only ever scored)', () => {
  const text = readFileSync(new URL('../../fixtures/routing-heldout.jsonl', import.meta.url), 'utf8');
  const heldOut = parseRoutingCases(text);
  const half = (tag: string) => heldOut.filter((c) => c.tags?.includes(tag));

  it('says how it was written, and splits into dev messages and a check half', () => {
    expect(text.split('\n')[0]).toMatch(/^# A third routing set, held out/);
    expect(half('dev').length).toBeGreaterThanOrEqual(40);
    expect(half('check').length).toBeGreaterThanOrEqual(40);
    expect(half('dev').length + half('check').length).toBe(heldOut.length);
  });

  it("prints both halves' accuracy in the CI output, each at least 90%", async () => {
    const planner = createEvalPlanner();
    const dev = await evaluateRouting(half('dev'), planner);
    const check = await evaluateRouting(half('check'), planner);
    console.log(`routing-heldout.jsonl (dev): ${formatRoutingReport(dev)[0]}`);
    console.log(`routing-heldout.jsonl (check): ${formatRoutingReport(check)[0]}`);
    expect(dev.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(check.accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

/**
 * A set written blind from the cards, in a `dev` half (whose misses may be read while improving the planner from
 * principles) and a `check` half that is only ever scored. Below the 90% the other sets meet: both halves are printed
 * so that the gap stays in sight, and held where they stand.
 */
function blindSet(what: string, file: string, header: RegExp, half: number, floors: { dev: number; check: number }) {
  describe(`the ${what} (its check half is only ever scored)`, () => {
    const text = readFileSync(new URL(`../../fixtures/${file}`, import.meta.url), 'utf8');
    const cases = parseRoutingCases(text);
    const tagged = (tag: string) => cases.filter((c) => c.tags?.includes(tag));

    it('says how it was written, and splits evenly into dev messages and a check half', () => {
      expect(text.split('\n')[0]).toMatch(header);
      expect(tagged('dev').length).toBe(half);
      expect(tagged('check').length).toBe(half);
    });

    it("prints both halves' accuracy in the CI output, and neither falls below where it stands", async () => {
      const planner = createEvalPlanner();
      const dev = await evaluateRouting(tagged('dev'), planner);
      const check = await evaluateRouting(tagged('check'), planner);
      console.log(`${file} (dev): ${formatRoutingReport(dev)[0]}`);
      console.log(`${file} (check): ${formatRoutingReport(check)[0]}`);
      expect(dev.accuracy).toBeGreaterThanOrEqual(floors.dev);
      expect(check.accuracy).toBeGreaterThanOrEqual(floors.check);
    });
  });
}

blindSet(
  'fresh routing set, written blind from the cards on 2026-12-07',
  'routing-fresh.jsonl',
  /^# A fourth routing set, written blind/,
  80,
  {
    dev: 72 / 80,
    check: 65 / 80,
  },
);
// First scored 43/60 (dev) and 46/60 (check) before any change made from its dev misses.
blindSet(
  'blind routing set, written from the cards alone in the second session of 2026-12-07',
  'routing-blind.jsonl',
  /^# Blind routing set/,
  60,
  {
    dev: 50 / 60,
    check: 47 / 60,
  },
);

describe('baton eval routing', () => {
  let dir: string;
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), env: { INIT_CWD: dir } },
    };
  };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'baton-eval-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints accuracy, the confusion table and the misses, and exits 0', async () => {
    await writeFile(
      join(dir, 'small.jsonl'),
      [
        '{"utterance": "Where is my order #W2611340?", "agents": ["OrderManagementAgent"]}',
        '{"utterance": "write me a poem about the sea", "agents": []}',
        '{"utterance": "hi", "agents": ["ReturnsAgent"]}',
      ].join('\n'),
    );
    const t = io();
    expect(await runEvalCommand(['routing', 'small.jsonl'], t.io)).toBe(0);
    const text = t.out.join('\n');
    expect(text).toContain('Routing accuracy: 66.7% (2/3');
    expect(text).toMatch(/OrderManagementAgent\s+1\s+0\s+0/);
    expect(text).toContain('line 3: "hi"');
    expect(text).toContain('expected ReturnsAgent, got GeneralSupportAgent');
    expect(t.err).toEqual([]);
  });

  it('plans over the cards a set adds beside the built-in ones, and names a bad card line', async () => {
    const card = {
      name: 'RentalAgent',
      description: 'Gear rental: renting tents and kayaks by the day, rental prices and deposits.',
      skills: ['gear rental', 'rental deposits'],
    };
    await writeFile(
      join(dir, 'added.jsonl'),
      [
        '# a set that adds a card',
        JSON.stringify({ card }),
        JSON.stringify({ utterance: 'can I rent a kayak for the weekend?', agents: ['RentalAgent'] }),
        JSON.stringify({ utterance: "where's my order #W2611340?", agents: ['OrderManagementAgent'] }),
      ].join('\n'),
    );
    const t = io();
    expect(await runEvalCommand(['routing', 'added.jsonl'], t.io)).toBe(0);
    expect(t.out.join('\n')).toContain('Routing accuracy: 100.0% (2/2');
    expect(t.err).toEqual([]);

    for (const [body, message] of [
      [[JSON.stringify({ card: { ...card, name: '9lives' } })], /line 1: card\.name: name starts with a letter/],
      [[JSON.stringify({ card }), JSON.stringify({ card })], /line 2: card\.name: "RentalAgent" is added twice/],
      [[JSON.stringify({ card: { ...card, colour: 'red' } })], /line 1: .*colour/],
    ] as const) {
      await writeFile(join(dir, 'bad-card.jsonl'), [...body, '{"utterance":"hi","agents":[]}'].join('\n'));
      const bad = io();
      expect(await runEvalCommand(['routing', 'bad-card.jsonl'], bad.io)).toBe(1);
      expect(bad.err.join('\n')).toMatch(message);
    }
  });

  it('fails with the file and line for a bad input file, and for a missing one', async () => {
    await writeFile(join(dir, 'bad.jsonl'), '{"utterance": "hi", "agents": []}\nnot json\n');
    const t = io();
    expect(await runEvalCommand(['routing', 'bad.jsonl'], t.io)).toBe(1);
    expect(t.err.join('\n')).toMatch(/bad\.jsonl: line 2: invalid JSON/);
    expect(t.out).toEqual([]);
    const missing = io();
    expect(await runEvalCommand(['routing', 'nope.jsonl'], missing.io)).toBe(1);
    expect(missing.err.join('\n')).toContain('cannot read nope.jsonl');
    const usage = io();
    expect(await runEvalCommand(['routing'], usage.io)).toBe(2);
    expect(usage.err.join('\n')).toContain('usage: pnpm baton eval routing <file.jsonl>');
  });
});
