import type { ConfusionRow } from '../db/schema/experiments.js';
import type { DatasetCase } from '../domain/dataset.js';
import type { CaseOutcome } from './case-runners.js';

export interface CaseResult extends CaseOutcome {
  position: number;
  kind: DatasetCase['kind'];
  durationMs: number;
}

export interface CasesSummary {
  total: number;
  passed: number;
  passRate: number;
  tokens: number;
  confusion: ConfusionRow[];
  results: CaseResult[];
}

/**
 * Runs cases with at most `concurrency` at a time; `onResult` sees each as it finishes (progress). A
 * case that throws fails with the error as its reason, and the others go on.
 */
export async function runCases(
  cases: readonly { position: number; case: DatasetCase }[],
  runCase: (c: DatasetCase) => Promise<CaseOutcome>,
  concurrency: number,
  onResult?: (r: CaseResult) => Promise<void> | void,
): Promise<CasesSummary> {
  const results: CaseResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const item = cases[next++]!;
      const started = performance.now();
      let outcome: CaseOutcome;
      try {
        outcome = await runCase(item.case);
      } catch (err) {
        const label = item.case.kind === 'routing' ? item.case.utterance : item.case.name;
        outcome = { label, passed: false, actual: null, failures: [`error: ${(err as Error).message}`], tokens: 0 };
      }
      const result = {
        ...outcome,
        position: item.position,
        kind: item.case.kind,
        durationMs: Math.round(performance.now() - started),
      };
      results.push(result);
      await onResult?.(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, cases.length)) }, worker));
  results.sort((a, b) => a.position - b.position);
  const passed = results.filter((r) => r.passed).length;
  return {
    total: results.length,
    passed,
    passRate: results.length ? passed / results.length : 0,
    tokens: results.reduce((n, r) => n + r.tokens, 0),
    confusion: confusionOf(results),
    results,
  };
}

const REFUSAL = '(refuse)';

/** Per-agent true/false positives and false negatives over the routing results. */
export function confusionOf(results: readonly CaseOutcome[]): ConfusionRow[] {
  const table = new Map<string, ConfusionRow>();
  const row = (agent: string) => {
    let r = table.get(agent);
    if (!r) {
      r = { agent, truePositives: 0, falsePositives: 0, falseNegatives: 0 };
      table.set(agent, r);
    }
    return r;
  };
  for (const { routing } of results) {
    if (!routing) continue;
    const want = routing.expected.length ? routing.expected : [REFUSAL];
    const got = routing.actual.length ? routing.actual : [REFUSAL];
    for (const a of want)
      if (got.includes(a)) row(a).truePositives++;
      else row(a).falseNegatives++;
    for (const a of got) if (!want.includes(a)) row(a).falsePositives++;
  }
  return [...table.values()].sort((a, b) => a.agent.localeCompare(b.agent));
}
