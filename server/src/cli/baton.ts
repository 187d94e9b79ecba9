/**
 * `pnpm baton <command>`: operator commands. Each command lives in its own file and exports
 * `run(args, io)`, returning the process exit code.
 */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  env: Record<string, string | undefined>;
}

type Command = { run: (args: string[], io: CliIo) => Promise<number> };

const commands: Record<string, { load: () => Promise<Command>; help: string }> = {
  tools: {
    load: () => import('./tools-command.js'),
    help: 'tools list | tools call <server.tool> --args <json> [--as-user <id>]',
  },
  store: { load: () => import('./store-command.js'), help: 'store reset | store export <dir>' },
  eval: {
    load: () => import('./eval-command.js'),
    help: 'eval routing <file.jsonl> | eval dataset <file.jsonl> [--threshold 0.8]',
  },
  keys: {
    load: () => import('./keys-command.js'),
    help: 'keys create <name> [--role integrator|admin] | keys list | keys revoke <id>',
  },
};

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    io.err('usage: pnpm baton <command>');
    for (const c of Object.values(commands)) io.err(`  ${c.help}`);
    return 2;
  }
  return (await command.load()).run(rest, io);
}

const io: CliIo = { out: (l) => console.log(l), err: (l) => console.error(l), env: process.env };
if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2), io).then(
    (code) => process.exit(code),
    (err) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(1);
    },
  );
}
