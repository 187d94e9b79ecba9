import { JSONParser } from '@streamparser/json';
import { type PlanTask, planTaskSchema } from '../domain/plan.js';

export interface PlanStreamOptions {
  /** Names of the enabled agents: a task naming another is never committed. */
  agents: ReadonlySet<string>;
  /**
   * Tasks committed so far in this turn, in commit order, shared by the planner's attempts: a later
   * attempt's task with the id of a committed one is that task, not a new one.
   */
  committed: Map<string, PlanTask>;
  /** Called once per task, the moment it is committed: its fields are valid and its dependencies committed. */
  onCommit: (task: PlanTask) => void;
}

/**
 * One planner attempt's streamed JSON, read with an incremental parser: each task object is checked
 * the moment it closes. A valid task whose dependencies are all committed is committed at once; one
 * that names a task not seen yet waits until that task is committed (a plan may list a task before the
 * task it depends on). A committed task runs, whatever the rest of the plan turns out to be, so
 * nothing is committed after `"refuse": true`. What cannot be read incrementally (prose or a fence
 * around the JSON, a syntax error) ends the incremental reading: the whole text is judged at the end.
 */
export class PlanStream {
  private readonly parser = new JSONParser({ paths: ['$.refuse', '$.tasks.*'], keepStack: false });
  private readonly seen = new Set<string>();
  private readonly waiting: PlanTask[] = [];
  /** Text before the root object: whitespace, or a Markdown fence a model added. */
  private lead = '';
  private opened = false;
  private stopped = false;
  private refused = false;
  /** Why streamed tasks were not committed, for the PLAN event. */
  readonly rejected: string[] = [];

  constructor(private readonly options: PlanStreamOptions) {
    this.parser.onValue = ({ value, key }) => {
      if (key === 'refuse') this.refused = value === true;
      else this.intake(value);
    };
    this.parser.onError = () => {
      this.stopped = true;
    };
  }

  /** Feeds the next piece of the model's text. */
  write(delta: string): void {
    if (this.stopped || !delta) return;
    if (!this.opened) {
      const text = this.lead + delta;
      const at = text.indexOf('{');
      if (at < 0) {
        this.lead = text;
        if (!/^\s*(`{1,3}[a-z]*\s*)?$/i.test(text)) this.stopped = true;
        return;
      }
      if (!/^\s*(```[a-z]*\s*)?$/i.test(text.slice(0, at))) {
        this.stopped = true;
        return;
      }
      this.opened = true;
      delta = text.slice(at);
    }
    // After the root object closes the parser ends; a closing fence is all that may follow.
    if (this.parser.isEnded) return;
    this.parser.write(delta);
  }

  /**
   * The whole text at once (a provider that does not stream): read with JSON.parse, which is far
   * cheaper than the incremental parser and gives the same tasks in the same order. Text that is not
   * one JSON object, bare or in a Markdown fence, goes through the incremental reader, which judges
   * what it can.
   */
  writeWhole(text: string): void {
    const body = /^\s*(?:```[a-z]*\s*)?(\{[\s\S]*\})\s*(?:```\s*)?$/i.exec(text)?.[1];
    let value: unknown;
    try {
      value = body === undefined ? undefined : JSON.parse(body);
    } catch {
      value = undefined;
    }
    if (this.stopped || this.opened || value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.write(text);
      return;
    }
    this.stopped = true;
    // Keys in the order the model wrote them: a task after "refuse": true is not committed.
    for (const [key, v] of Object.entries(value)) {
      if (key === 'refuse') this.refused = v === true;
      else if (key === 'tasks' && Array.isArray(v)) for (const t of v) this.intake(t);
    }
  }

  /** The stream is over. */
  end(): void {
    if (!this.stopped && this.opened && !this.parser.isEnded) this.parser.end();
    this.stopped = true;
  }

  /** Ids of tasks seen in this attempt but not committed (waiting on a task that never came). */
  get waitingIds(): string[] {
    return this.waiting.map((t) => t.id);
  }

  /** Commits the tasks of a validated plan that the stream did not (its reading stopped, or they waited). */
  commitRest(tasks: readonly PlanTask[]): void {
    for (const task of tasks)
      if (!this.options.committed.has(task.id) && !this.waiting.some((w) => w.id === task.id)) this.intake(task);
  }

  private intake(raw: unknown): void {
    const parsed = planTaskSchema.safeParse(raw);
    const id = (raw as { id?: unknown } | null)?.id;
    const label = typeof id === 'string' ? `task "${id}"` : 'a task';
    if (this.refused) return void this.rejected.push(`${label} came after "refuse": true`);
    if (!parsed.success)
      return void this.rejected.push(`${label}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const task = parsed.data;
    const { committed, agents } = this.options;
    if (this.seen.has(task.id)) return void this.rejected.push(`duplicate task id "${task.id}"`);
    this.seen.add(task.id);
    // The same id in a retry is the task that already started: it stands as it was.
    if (committed.has(task.id)) return;
    if (!agents.has(task.agent)) return void this.rejected.push(`${label}: unknown or disabled agent ${task.agent}`);
    if (task.dependsOn.includes(task.id)) return void this.rejected.push(`${label} depends on itself`);
    this.waiting.push(task);
    this.release();
  }

  /** Commits every waiting task whose dependencies are committed, until none is left that can be. */
  private release(): void {
    for (let i = 0; i < this.waiting.length; ) {
      const task = this.waiting[i]!;
      if (task.dependsOn.every((d) => this.options.committed.has(d))) {
        this.waiting.splice(i, 1);
        this.options.committed.set(task.id, task);
        this.options.onCommit(task);
        i = 0;
      } else i++;
    }
  }
}
