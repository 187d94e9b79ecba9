/** What the load benchmark asks a replica over the child process's IPC channel, and its answers. */
export type ReplicaRequest =
  /** `process.memoryUsage()`, after a full GC when the replica runs with --expose-gc. */
  | { kind: 'memory' }
  /** How many calls the scripted model answered. */
  | { kind: 'model-calls' }
  /** `v8.writeHeapSnapshot(path)` after a full GC. */
  | { kind: 'heap-snapshot'; path: string }
  /** Starts the V8 CPU profiler (node:inspector), so that a profile covers the measured turns only. */
  | { kind: 'cpu-profile-start' }
  /** Stops it and writes the profile to `path` (open it in Chrome DevTools). */
  | { kind: 'cpu-profile-stop'; path: string };

export type ReplicaReply =
  | { kind: 'memory'; usage: NodeJS.MemoryUsage; collected: boolean }
  | { kind: 'model-calls'; calls: number }
  | { kind: 'heap-snapshot'; path: string }
  | { kind: 'cpu-profile-start' }
  | { kind: 'cpu-profile-stop'; path?: string }
  | { kind: 'error'; message: string };

/** The scripted model of load-server.ts answers a turn in this many sequential calls: the plan, an order lookup, the answer. */
export const MODEL_CALLS_PER_TURN = 3;
