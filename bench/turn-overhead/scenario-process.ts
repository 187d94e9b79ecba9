import { measure } from './stats.js';

/**
 * Runs one in-process scenario in its own process and prints its samples as JSON. Each scenario gets
 * a fresh process: @openai/agents installs async context tracking that would slow everything else
 * in a shared process.
 */
async function main() {
  const [name, turns, warmup] = process.argv.slice(2);
  let turn: () => Promise<void>;
  let note = '';
  if (name === 'core') {
    const { coreTurn } = await import('./core-turn.js');
    turn = coreTurn().turn;
  } else if (name === 'agents-sdk') {
    const { agentsSdkTurn } = await import('./agents-sdk-turn.js');
    const sdk = agentsSdkTurn();
    turn = sdk.turn;
    note = sdk.tracing;
  } else throw new Error(`unknown scenario ${name}`);
  const { samples, cpuPerTurn } = await measure(turn, Number(turns), Number(warmup));
  process.stdout.write(`${JSON.stringify({ samples, cpuPerTurn, note })}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
