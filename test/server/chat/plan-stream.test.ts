import { describe, expect, it } from 'vitest';
import { PlanStream } from '../../../server/src/chat/plan-stream.js';
import type { PlanTask } from '../../../server/src/domain/plan.js';

const agents = new Set(['OrderManagementAgent', 'ProductExpertAgent']);

const task = (id: string, agent: string, dependsOn: string[] = [], statusMessage = `Working on ${id}...`) => ({
  id,
  agent,
  instruction: `Do ${id}`,
  statusMessage,
  dependsOn,
});

/** Feeds `pieces` one by one and records, after each, which tasks had been committed. */
function feed(pieces: string[]) {
  const committed = new Map<string, PlanTask>();
  const order: PlanTask[] = [];
  const stream = new PlanStream({ agents, committed, onCommit: (t) => order.push(t) });
  const after: number[] = [];
  for (const piece of pieces) {
    stream.write(piece);
    after.push(order.length);
  }
  stream.end();
  return { order, after, stream, committed };
}

const codeUnits = (text: string) => Array.from({ length: text.length }, (_, i) => text[i]!);

describe('PlanStream', () => {
  const plan = {
    refuse: false,
    tasks: [
      task('t1', 'OrderManagementAgent', [], 'Checking your order 👟 #W123 — “soon”...'),
      task('t2', 'ProductExpertAgent', [], 'Suche rote Turnschuhe in Größe 9 🔴...'),
    ],
  };
  const text = JSON.stringify(plan);

  it('commits each task the moment its object closes, with a chunk per character, unicode intact', () => {
    // A chunk per UTF-16 code unit: every emoji arrives split between its two surrogates.
    const pieces = codeUnits(text);
    const { order, after } = feed(pieces);
    expect(order).toEqual(plan.tasks);
    const firstClose = text.indexOf('}');
    expect(after[firstClose - 1]).toBe(0);
    expect(after[firstClose]).toBe(1);
    expect(after[text.lastIndexOf('}', text.length - 3)]).toBe(2);
  });

  it('reads chunks that split a character, and chunks that hold several tasks', () => {
    const at = text.indexOf('👟') + 1; // between the surrogates of 👟
    const umlaut = text.indexOf('ö') + 1;
    const { order } = feed([text.slice(0, at), text.slice(at, umlaut), text.slice(umlaut)]);
    expect(order.map((t) => t.statusMessage)).toEqual(plan.tasks.map((t) => t.statusMessage));
    expect(feed([text]).order).toEqual(plan.tasks);
  });

  it('holds a task listed before the task it depends on, and commits it right after that one', () => {
    const dependentFirst = JSON.stringify({
      refuse: false,
      tasks: [task('a', 'OrderManagementAgent', ['b']), task('b', 'ProductExpertAgent')],
    });
    const { order, stream } = feed(codeUnits(dependentFirst));
    expect(order.map((t) => t.id)).toEqual(['b', 'a']);
    expect(stream.waitingIds).toEqual([]);
  });

  it('never commits a task with an unknown agent, invalid fields, or after "refuse": true', () => {
    const bad = JSON.stringify({
      refuse: false,
      tasks: [task('t1', 'Ghost'), { id: 't2', agent: 'ProductExpertAgent' }, task('t3', 'ProductExpertAgent', ['t1'])],
    });
    const { order, stream } = feed([bad]);
    expect(order).toEqual([]);
    expect(stream.rejected.join(' | ')).toMatch(/unknown or disabled agent Ghost.*task "t2"/);
    expect(stream.waitingIds).toEqual(['t3']);
    expect(feed([JSON.stringify({ refuse: true, tasks: [task('t1', 'OrderManagementAgent')] })]).order).toEqual([]);
  });

  it('reads a plan in a Markdown fence; prose before the JSON stops the incremental reading', () => {
    expect(feed(['```json\n', text.slice(0, 40), text.slice(40), '\n```']).order).toHaveLength(2);
    expect(feed(['Here is the plan: ', text]).order).toEqual([]);
  });

  it('reads a whole text at once (a provider that does not stream) as it reads the same text streamed', () => {
    const whole = (t: string) => {
      const committed = new Map<string, PlanTask>();
      const order: PlanTask[] = [];
      const stream = new PlanStream({ agents, committed, onCommit: (x) => order.push(x) });
      stream.writeWhole(t);
      stream.end();
      return { order: order.map((x) => x.id), rejected: stream.rejected, waiting: stream.waitingIds };
    };
    const streamed = (t: string) => {
      const { order, stream } = feed(codeUnits(t));
      return { order: order.map((x) => x.id), rejected: stream.rejected, waiting: stream.waitingIds };
    };
    const texts = [
      text,
      `\`\`\`json\n${text}\n\`\`\``,
      `  ${text}  `,
      `Here is the plan: ${text}`,
      JSON.stringify({
        tasks: [task('t1', 'OrderManagementAgent')],
        refuse: true,
        more: [task('t2', 'ProductExpertAgent')],
      }),
      JSON.stringify({ refuse: true, tasks: [task('t1', 'OrderManagementAgent')] }),
      JSON.stringify({
        refuse: false,
        tasks: [task('a', 'OrderManagementAgent', ['b']), task('b', 'ProductExpertAgent')],
      }),
      JSON.stringify({ refuse: false, tasks: [task('t1', 'Ghost'), { id: 't2' }, task('t1', 'ProductExpertAgent')] }),
      `${text.slice(0, 60)}, oops`,
      '[1, 2]',
      'no plan at all',
      `${text} and some prose after it`,
    ];
    for (const t of texts) expect(whole(t), t).toEqual(streamed(t));
    expect(whole(text).order).toEqual(['t1', 't2']);
  });

  it('treats a retry’s task with the id of a committed one as that task', () => {
    const committed = new Map<string, PlanTask>([['t1', { ...plan.tasks[0]!, instruction: 'the original' }]]);
    const order: PlanTask[] = [];
    const stream = new PlanStream({ agents, committed, onCommit: (t) => order.push(t) });
    stream.write(JSON.stringify({ refuse: false, tasks: [plan.tasks[0], task('t2', 'ProductExpertAgent', ['t1'])] }));
    stream.end();
    expect(order.map((t) => t.id)).toEqual(['t2']);
    expect(committed.get('t1')?.instruction).toBe('the original');
  });
});
