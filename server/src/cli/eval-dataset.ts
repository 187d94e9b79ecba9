import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';
import type { ExperimentResultRow, ExperimentRow } from '../db/schema/experiments.js';
import type { CliIo } from './baton.js';

export interface EvalDatasetOptions {
  text: string;
  name: string;
  threshold: number;
  concurrency: number;
  provider: 'server' | 'offline';
}

/**
 * `baton eval dataset`: the studio's experiment code on a throwaway in-memory workspace (PGlite, the
 * built-in cards and demo store), so it runs anywhere, CI included. Exit 0 at or above the threshold, 1 below.
 */
export async function evalDataset(options: EvalDatasetOptions, io: CliIo): Promise<number> {
  const { DATABASE_URL: _db, ...env } = io.env;
  const config = loadConfig({ ...env, DATA_DIR: 'memory://', LOG_LEVEL: env.LOG_LEVEL ?? 'silent', AUTH_MODE: 'off' });
  const app = await buildApp(config);
  try {
    const { datasets, experiments } = app.services;
    const dataset = await datasets.importJsonl(options.name, options.text);
    const experiment = await experiments.run({
      datasetId: dataset.id,
      provider: options.provider,
      concurrency: options.concurrency,
    });
    for (const line of formatExperiment(experiment, await experiments.results(experiment.id))) io.out(line);
    const rate = experiment.passRate ?? 0;
    if (experiment.status !== 'COMPLETED') return 1;
    if (rate < options.threshold) {
      io.err(`baton eval: pass rate ${pct(rate)} is under the threshold ${pct(options.threshold)}`);
      return 1;
    }
    return 0;
  } finally {
    await app.stop();
  }
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

export function formatExperiment(e: ExperimentRow, results: ExperimentResultRow[]): string[] {
  const lines = [
    `${e.name}: ${e.status.toLowerCase()}, pass rate ${pct(e.passRate ?? 0)} (${e.passed}/${e.total}) · provider ${e.provider} · ${e.durationMs ?? 0} ms · ${e.tokens} tokens`,
  ];
  if (e.error) lines.push(`error: ${e.error}`);
  if (e.confusion.length) {
    lines.push('', 'agent                     TP    FP    FN');
    for (const c of e.confusion)
      lines.push(
        `${c.agent.padEnd(24)} ${String(c.truePositives).padStart(3)}   ${String(c.falsePositives).padStart(3)}   ${String(c.falseNegatives).padStart(3)}`,
      );
  }
  const failed = results.filter((r) => !r.passed);
  lines.push('', failed.length ? `Failed (${failed.length}):` : 'Every case passed.');
  for (const r of failed) {
    lines.push(`  #${r.position} ${JSON.stringify(r.label)}`);
    for (const f of r.failures) lines.push(`    ${f}`);
  }
  return lines;
}
