import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadConfig } from '../config.js';
import { isValidationError } from '../errors.js';
import { createEvalPlanner } from '../eval/eval-planner.js';
import { evaluateRouting, formatRoutingReport, parseRoutingCases } from '../eval/routing-eval.js';
import { createModelProvider } from '../models/create-model-provider.js';
import type { CliIo } from './baton.js';

const USAGE = 'usage: pnpm baton eval routing <file.jsonl>';

/** `baton eval routing <file.jsonl>`: accuracy, confusion table and misses of the planner. */
export async function run(args: string[], io: CliIo): Promise<number> {
  const [suite, file, ...extra] = args;
  if (suite !== 'routing' || !file || extra.length) {
    io.err(USAGE);
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
  let cases: ReturnType<typeof parseRoutingCases>;
  try {
    cases = parseRoutingCases(text);
  } catch (err) {
    if (!isValidationError(err)) throw err;
    io.err(`baton eval: ${file}: ${err.message}`);
    return 1;
  }
  const report = await evaluateRouting(cases, createEvalPlanner(createModelProvider(loadConfig(io.env))));
  for (const line of formatRoutingReport(report)) io.out(line);
  return 0;
}
