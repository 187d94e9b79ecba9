import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { isValidationError } from '../errors.js';
import { createEvalPlanner } from '../eval/eval-planner.js';
import { evaluateRouting, formatRoutingReport, parseRoutingFile } from '../eval/routing-eval.js';
import { createModelProvider } from '../models/create-model-provider.js';
import type { CliIo } from './baton.js';
import { evalDataset } from './eval-dataset.js';

const USAGE = [
  'usage: pnpm baton eval routing <file.jsonl>',
  '       pnpm baton eval dataset <file.jsonl> [--threshold 0.8] [--concurrency 4] [--provider server|offline]',
];

/**
 * `baton eval routing <file.jsonl>`: accuracy, confusion table and misses of the planner.
 * `baton eval dataset <file.jsonl>`: a dataset (routing cases and scenarios) run as an experiment.
 */
export async function run(args: string[], io: CliIo): Promise<number> {
  const [suite, file, ...extra] = args;
  const flags = suite === 'dataset' ? parseFlags(extra) : extra.length ? null : {};
  if ((suite !== 'routing' && suite !== 'dataset') || !file || !flags) {
    for (const line of USAGE) io.err(line);
    return 2;
  }
  // pnpm runs scripts inside the package folder; resolve against where the user typed the command.
  const path = resolve(io.env.INIT_CWD ?? process.cwd(), file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    io.err(`baton eval: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return 1;
  }
  if (suite === 'dataset') {
    const threshold = Number(flags.threshold ?? '0');
    const concurrency = Number(flags.concurrency ?? '4');
    const provider = flags.provider ?? 'server';
    if (
      !(threshold >= 0 && threshold <= 1) ||
      !Number.isInteger(concurrency) ||
      !['server', 'offline'].includes(provider)
    ) {
      for (const line of USAGE) io.err(line);
      return 2;
    }
    try {
      return await evalDataset(
        { text, name: basename(file), threshold, concurrency, provider: provider as 'server' | 'offline' },
        io,
      );
    } catch (err) {
      if (!isValidationError(err)) throw err;
      io.err(`baton eval: ${file}: ${err.message}`);
      return 1;
    }
  }
  let routing: ReturnType<typeof parseRoutingFile>;
  try {
    routing = parseRoutingFile(text);
  } catch (err) {
    if (!isValidationError(err)) throw err;
    io.err(`baton eval: ${file}: ${err.message}`);
    return 1;
  }
  const planner = createEvalPlanner(createModelProvider(loadConfig(io.env)), routing.cards);
  const report = await evaluateRouting(routing.cases, planner);
  for (const line of formatRoutingReport(report)) io.out(line);
  return 0;
}

/** `--name value` pairs; null when a flag is unknown or has no value. */
function parseFlags(args: string[]): Record<string, string> | null {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '');
    const value = args[i + 1];
    if (!name || !args[i]!.startsWith('--') || value === undefined) return null;
    if (!['threshold', 'concurrency', 'provider'].includes(name)) return null;
    flags[name] = value;
  }
  return flags;
}
