import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type RecordedRequest, startScriptedOpenAIServer } from '../../test/fakes/scripted-openai-server.js';
import { ORDER_REPLY, PRODUCT_REPLY, seedPlan } from '../../test/fakes/seed-scenario.js';
import { isPipelined, pipelinedTaskReply, streamedPlan } from './pipelined-scenario.js';

export const PLANNER_MS = 200;
/** Each task is two model calls (a tool call, then the answer): 300 ms of model time per task. */
export const TASK_CALL_MS = 150;
/** Knowledge retrieval is slower than nothing but faster than planning, so it must hide behind it. */
export const KNOWLEDGE_MS = 150;

/** What the benchmark reads back about each model call. */
export interface ModelCall {
  agentName?: string;
  receivedAt: number;
  respondedAt?: number;
}

/**
 * The scripted OpenAI-compatible server of the critical-path benchmark, in a child process: a real
 * model server is another machine, so its HTTP and JSON work must not share the event loop of the
 * Baton process being measured. Timestamps are Date.now(), comparable across the two processes.
 */
export async function startModelServer(): Promise<{
  url: string;
  requests(): Promise<ModelCall[]>;
  errors(): Promise<string[]>;
  close(): Promise<void>;
}> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const waiting: { resolve: (line: string) => void; reject: (err: Error) => void }[] = [];
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.once('exit', () => {
    for (const w of waiting.splice(0)) w.reject(new Error('the model server exited'));
  });
  const next = () => new Promise<string>((resolve, reject) => waiting.push({ resolve, reject }));
  const ask = async <T>(command: string): Promise<T> => {
    const answer = next();
    child.stdin.write(`${command}\n`);
    return JSON.parse(await answer) as T;
  };
  const ready = await next();
  if (!ready.startsWith('READY ')) throw new Error(`the model server did not start: ${ready}`);
  return {
    url: ready.slice('READY '.length),
    requests: () => ask<ModelCall[]>('requests'),
    errors: () => ask<string[]>('errors'),
    close: async () => {
      child.stdin.end();
      if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** Tool results after the task's framing (the last user message): 0 on a task's first call. */
function toolResultsSoFar(request: RecordedRequest): number {
  const messages = (request.body?.messages ?? []) as { role: string }[];
  let lastUser = -1;
  messages.forEach((m, i) => {
    if (m.role === 'user') lastUser = i;
  });
  return messages.slice(lastUser + 1).filter((m) => m.role === 'tool').length;
}

async function serve(): Promise<void> {
  const fake = await startScriptedOpenAIServer();
  fake.respondWith((req) => {
    if (isPipelined(req))
      return req.agentName === 'PlannerAgent' ? streamedPlan() : pipelinedTaskReply(req, toolResultsSoFar(req));
    const done = toolResultsSoFar(req) > 0;
    switch (req.agentName) {
      case 'PlannerAgent':
        return { json: seedPlan, delayMs: PLANNER_MS };
      case 'OrderManagementAgent':
        return done
          ? { content: ORDER_REPLY, delayMs: TASK_CALL_MS }
          : {
              toolCalls: [{ name: 'store__get_order_details', arguments: { order_id: '#W123' } }],
              delayMs: TASK_CALL_MS,
            };
      case 'ProductExpertAgent':
        return done
          ? { content: PRODUCT_REPLY, delayMs: TASK_CALL_MS }
          : {
              toolCalls: [{ name: 'store__search_products', arguments: { query: 'red sneakers size 9' } }],
              delayMs: TASK_CALL_MS,
            };
      default:
        return { status: 500, message: `unexpected agent ${req.agentName}` };
    }
  });
  console.log(`READY ${fake.url}`);
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'requests')
      console.log(
        JSON.stringify(
          fake.requests.map((r) => ({ agentName: r.agentName, receivedAt: r.receivedAt, respondedAt: r.respondedAt })),
        ),
      );
    else if (line === 'errors') console.log(JSON.stringify(fake.errors));
  }
  await fake.close();
}

if (process.argv[1] === fileURLToPath(import.meta.url))
  serve().catch((err) => {
    console.error(err);
    process.exit(1);
  });
