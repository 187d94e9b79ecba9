import { z } from 'zod';
import { type AgentCardInput, agentCardInputSchema } from '../domain/agent-card.js';
import { ValidationError } from '../errors.js';
import { parseJsonLines } from './jsonl.js';

/** One labelled utterance: the set of agents a good plan uses (empty means the planner should refuse). */
export const routingCaseSchema = z.object({
  utterance: z.string().trim().min(1, 'utterance is empty'),
  agents: z.array(z.string().min(1)),
  /** Free labels for slicing the results (typo, greeting, offtopic...). */
  tags: z.array(z.string()).optional(),
  /** Where the utterance comes from (a reference task, the seed...). */
  source: z.string().optional(),
});
export type RoutingCase = z.infer<typeof routingCaseSchema> & {
  /** 1-based line in the source file, when parsed from one. */
  line?: number;
};

/** Plans one utterance and returns the agents of its tasks, in order; empty for a refusal. */
export type PlanFor = (utterance: string) => Promise<string[]>;

/** The pseudo-agent that stands for a refusal in the confusion table. */
export const REFUSAL = '(refuse)';

export interface AgentConfusion {
  agent: string;
  /** Cases that expected this agent and got it. */
  truePositives: number;
  /** Cases that got this agent without expecting it. */
  falsePositives: number;
  /** Cases that expected this agent and did not get it. */
  falseNegatives: number;
  precision: number;
  recall: number;
  /** When this agent was missed, the agents planned instead (count per agent). */
  confusedWith: Record<string, number>;
}

export interface RoutingMiss {
  line: number;
  utterance: string;
  expected: string[];
  actual: string[];
}

export interface RoutingReport {
  total: number;
  correct: number;
  /** Exact agent-set match rate, 0..1. */
  accuracy: number;
  perAgent: AgentConfusion[];
  misses: RoutingMiss[];
}

/**
 * A card the set adds beside the built-in ones (`{"card": {...}}`), as a shop would add a row: the set's cases may
 * expect it. Checked as createAgent checks a card.
 */
const cardLineSchema = z
  .object({ card: agentCardInputSchema({ maxInstructionLength: 20_000 }).strict() })
  .strict()
  .transform((l): { card: AgentCardInput } | { case: z.output<typeof routingCaseSchema> } => l);

/**
 * Parses JSONL text. Blank lines and `#` comment lines (a set's note on how it was written) are skipped;
 * a bad line throws a ValidationError naming it (`line 12`). Card lines are returned apart; a case may expect a
 * built-in card or one of them.
 */
export function parseRoutingFile(text: string): { cases: RoutingCase[]; cards: AgentCardInput[] } {
  // Each line by its own schema, so that a bad one is told in its own terms ("line 3: utterance: …").
  const lines = parseJsonLines(text, (json) =>
    json && typeof json === 'object' && 'card' in json
      ? cardLineSchema.safeParse(json)
      : routingCaseSchema.transform((c) => ({ case: c })).safeParse(json),
  );
  const cases: RoutingCase[] = [];
  const cards: AgentCardInput[] = [];
  for (const { value, line } of lines) {
    if ('card' in value) {
      if (cards.some((c) => c.name === value.card.name))
        throw ValidationError.single(`line ${line}`, `card.name: "${value.card.name}" is added twice`);
      cards.push(value.card);
    } else cases.push({ ...value.case, line });
  }
  if (cases.length === 0) throw ValidationError.single('file', 'no cases: the file has no JSON lines');
  return { cases, cards };
}

/** The cases of a routing file (parseRoutingFile) that adds no card. */
export function parseRoutingCases(text: string): RoutingCase[] {
  const { cases, cards } = parseRoutingFile(text);
  if (cards.length) throw ValidationError.single('file', 'this file adds cards: read it with parseRoutingFile');
  return cases;
}

const asSet = (agents: string[]) => [...new Set(agents)].sort();
const label = (agents: string[]) => (agents.length ? agents : [REFUSAL]);

/** Plans every case in order and compares agent sets exactly (order and repeats ignored). */
export async function evaluateRouting(cases: RoutingCase[], planFor: PlanFor): Promise<RoutingReport> {
  const table = new Map<string, AgentConfusion>();
  const row = (agent: string) => {
    let r = table.get(agent);
    if (!r) {
      r = { agent, truePositives: 0, falsePositives: 0, falseNegatives: 0, precision: 0, recall: 0, confusedWith: {} };
      table.set(agent, r);
    }
    return r;
  };
  const misses: RoutingMiss[] = [];
  let correct = 0;
  for (const [i, c] of cases.entries()) {
    const expected = asSet(c.agents);
    const actual = asSet(await planFor(c.utterance));
    const want = label(expected);
    const got = label(actual);
    for (const a of want) {
      if (got.includes(a)) row(a).truePositives++;
      else {
        const r = row(a);
        r.falseNegatives++;
        for (const other of got.filter((g) => !want.includes(g)))
          r.confusedWith[other] = (r.confusedWith[other] ?? 0) + 1;
      }
    }
    for (const a of got) if (!want.includes(a)) row(a).falsePositives++;
    if (want.join() === got.join()) correct++;
    else misses.push({ line: c.line ?? i + 1, utterance: c.utterance, expected, actual });
  }
  for (const r of table.values()) {
    r.precision = ratio(r.truePositives, r.truePositives + r.falsePositives);
    r.recall = ratio(r.truePositives, r.truePositives + r.falseNegatives);
  }
  const perAgent = [...table.values()].sort((a, b) => a.agent.localeCompare(b.agent));
  return { total: cases.length, correct, accuracy: ratio(correct, cases.length), perAgent, misses };
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : n / d);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** The report as printable lines: accuracy, the per-agent confusion table, then every miss. */
export function formatRoutingReport(report: RoutingReport): string[] {
  const lines = [
    `Routing accuracy: ${pct(report.accuracy)} (${report.correct}/${report.total} exact agent-set matches)`,
    '',
  ];
  const width = Math.max(5, ...report.perAgent.map((r) => r.agent.length));
  lines.push(`${'agent'.padEnd(width)}    TP    FP    FN  precision  recall  missed for`);
  for (const r of report.perAgent) {
    const confused = Object.entries(r.confusedWith)
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([agent, n]) => `${agent}×${n}`)
      .join(', ');
    lines.push(
      `${r.agent.padEnd(width)}  ${String(r.truePositives).padStart(4)}  ${String(r.falsePositives).padStart(4)}  ${String(r.falseNegatives).padStart(4)}  ${pct(r.precision).padStart(9)}  ${pct(r.recall).padStart(6)}  ${confused}`,
    );
  }
  lines.push('', report.misses.length ? `Misses (${report.misses.length}):` : 'No misses.');
  for (const m of report.misses) {
    lines.push(`  line ${m.line}: ${JSON.stringify(m.utterance)}`);
    lines.push(`    expected ${label(m.expected).join(' + ')}, got ${label(m.actual).join(' + ')}`);
  }
  return lines;
}
