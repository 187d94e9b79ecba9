import type { ApiKeyRole } from '../db/schema/api-keys.js';

/** Who is calling. Resolved once per request (or WebSocket connection) from its credentials. */
export type Principal =
  | {
      kind: 'key';
      role: ApiKeyRole;
      keyId: string;
      name: string;
      fullEventData?: boolean;
      /** The key's own RUNS_PER_PRINCIPAL, when set (`baton keys create --runs-at-once`). */
      runsAtOnce?: number;
    }
  | { kind: 'conversation'; conversationId: string }
  /** No credentials: only allowed with AUTH_MODE=off, where it acts as an admin. */
  | { kind: 'anonymous'; devAdmin: boolean };

export const isAdmin = (p: Principal) =>
  (p.kind === 'key' && p.role === 'admin') || (p.kind === 'anonymous' && p.devAdmin);
/** Support colleagues work the desk (claim, reply, hand back, resolve, tickets); admins can too. */
export const isSupport = (p: Principal) => isAdmin(p) || (p.kind === 'key' && p.role === 'support');
/** Reads conversations, runs and the event feed: admins, integrators and support colleagues. */
export const isReader = (p: Principal) => isSupport(p) || (p.kind === 'key' && p.role === 'integrator');
/** Whose word that a shopper is a customer Baton takes (`startConversation(input: { customerId })`): admin and integrator keys. */
export const vouchesForCustomers = (p: Principal) => isAdmin(p) || (p.kind === 'key' && p.role === 'integrator');

/**
 * Who may write as the shopper (`sendMessage`). A support colleague writes as a person (sendHumanMessage): as the
 * shopper, a support key would have the bot act for the conversation's customer on its own yes.
 */
export const writesAsShopper = (p: Principal) =>
  p.kind === 'key' ? p.role !== 'support' : p.kind === 'conversation' || p.devAdmin;

/** What the run rules read of a run: its conversation, and the API key that started it (`runs.started_by`). */
export interface RunOrigin {
  conversationId: string;
  startedBy: string | null;
}

/** Whether `p` is the API key whose sendMessage started `run`. */
export const startedRun = (p: Principal, run: RunOrigin) => p.kind === 'key' && run.startedBy === p.keyId;

/**
 * Who may start a run that waits for its driver (`sendMessage` in step mode or with plan review): admin keys, and
 * integrator keys, which then drive it (drivesRun). A support colleague does not write as the shopper; a conversation
 * token is the shopper, never their own designer.
 */
export const startsDrivenRuns = (p: Principal) => isAdmin(p) || (p.kind === 'key' && p.role === 'integrator');

/**
 * Who drives `run` by hand: `pauseRun`, `stepRun`, `continueRun`, `editPlan`. Admin keys drive every run; another key
 * (an integrator's: support keys start none) only the runs it started. An integrator key reads every conversation and
 * writes as shoppers: driving others' runs, it could hold any shopper's reply or release a run a designer is reviewing.
 */
export const drivesRun = (p: Principal, run: RunOrigin) => isAdmin(p) || startedRun(p, run);

/**
 * Who may stop `run` (`cancelRun`): admins, support colleagues (stopping the bot in a conversation they handle), the
 * conversation's own token (the shopper's stop button), and the key that started it. Not another integrator key: it
 * reads every conversation, so it could stop any shopper's reply; a storefront backend stops a run it did not start
 * with the conversation token `startConversation` handed it.
 */
export const cancelsRun = (p: Principal, run: RunOrigin) =>
  isSupport(p) || (p.kind === 'conversation' && p.conversationId === run.conversationId) || startedRun(p, run);

/** Whether the principal may read or write this conversation. */
export const canAccessConversation = (p: Principal, conversationId: string) =>
  isReader(p) || (p.kind === 'conversation' && p.conversationId === conversationId);

/**
 * Whether the principal reads events, messages, plans and tickets unredacted: admins, support
 * colleagues (they answer the shopper and follow tickets up), a conversation's own token, and
 * integrator keys granted full data. Other integrator keys get emails, phones, addresses, payment
 * methods and tokens redacted.
 */
export const readsFullData = (p: Principal) =>
  isSupport(p) || p.kind === 'conversation' || (p.kind === 'key' && p.fullEventData === true);

export function describePrincipal(p: Principal): string {
  if (p.kind === 'key') return `${p.role} key "${p.name}"`;
  if (p.kind === 'conversation') return `conversation token for ${p.conversationId}`;
  return p.devAdmin ? 'anonymous (AUTH_MODE=off)' : 'anonymous';
}

/** Whether a text is describePrincipal's for a key or an anonymous caller: names the workspace keeps to itself. */
export const describesStaffPrincipal = (text: string) =>
  /^(admin|support|integrator) key "/.test(text) || text === 'anonymous' || text === 'anonymous (AUTH_MODE=off)';
