import { useViewer, type ViewerInfo } from './use-viewer.js';

/**
 * What the studio offers, each named by the server scope its operations need (server/src/graphql/builder.ts's
 * `authScopes`, or the rule of server/src/auth/principal.ts their resolvers apply): `admin` manages and drives runs by
 * hand, `support` works the desk and stops runs, `reader` reads conversations and runs.
 */
const scopeOf = {
  /** Create, edit, publish, enable, delete and roll back cards; drafts, tools and built-in updates. */
  editAgents: 'admin',
  /** updateSettings. */
  editSettings: 'admin',
  /** Knowledge articles, MCP servers, webhooks and the email outbox: read and written by admins only. */
  manageIntegrations: 'admin',
  /** Import datasets, start experiments, save a conversation as a scenario. */
  runExperiments: 'admin',
  /** Run against card drafts (startConversation and startExperiment `useDrafts`). */
  useDrafts: 'admin',
  /**
   * editPlan on any paused run (server: drivesRun). An integrator key edits the runs it started: the inspector asks
   * the server per run (useRunControls).
   */
  editPlans: 'admin',
  /** stepRun, continueRun, pauseRun on any run (server: drivesRun); an integrator key, the runs it started. */
  stepRuns: 'admin',
  /**
   * cancelRun on any run (server: cancelsRun): admins and support colleagues; a conversation token, its own runs; an
   * integrator key, the runs it started.
   */
  cancelRuns: 'support',
  /** The desk: queue, claim, reply as a person, tickets. */
  workDesk: 'support',
} as const;

/**
 * `startDrivenRuns`: sendMessage in step mode or with plan review (server: startsDrivenRuns), for admin and integrator
 * keys; an integrator key then drives the runs it started.
 */
export type StudioAction = keyof typeof scopeOf | 'chatAsShopper' | 'startDrivenRuns';

type Scope = 'admin' | 'support' | 'reader';

/** The scopes each role holds (server/src/auth/principal.ts: isAdmin, isSupport, isReader). */
const scopesOf: Partial<Record<string, readonly Scope[]>> = {
  admin: ['admin', 'support', 'reader'],
  support: ['support', 'reader'],
  integrator: ['reader'],
};

/**
 * Whether `viewer` may do `action`. A viewer the server could not name (null: an older server without `viewer`)
 * is offered everything, as before; the server still refuses what it may not do.
 */
export function viewerMay(viewer: ViewerInfo | null, action: StudioAction): boolean {
  if (!viewer) return true;
  if (action === 'chatAsShopper') return viewer.writesAsShopper;
  if (action === 'startDrivenRuns') return viewer.role === 'admin' || viewer.role === 'integrator';
  // A conversation token reads its own conversation only, so every run it is shown is one it may stop.
  if (action === 'cancelRuns' && viewer.role === 'conversation') return true;
  return scopesOf[viewer.role]?.includes(scopeOf[action]) ?? false;
}

/** `may(action)` for the studio's credentials; false for everything until the server has said who they are. */
export function usePermissions(): (action: StudioAction) => boolean {
  const viewer = useViewer();
  return (action) => viewer !== undefined && viewerMay(viewer, action);
}
