import type { CliIo } from './baton.js';

// Placeholder: replaced by the issue that owns this command.
export async function run(_args: string[], io: CliIo): Promise<number> {
  io.err('baton tools: not available yet');
  return 1;
}
