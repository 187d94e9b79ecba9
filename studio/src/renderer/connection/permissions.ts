import { useViewer, type ViewerInfo } from './use-viewer.js';

/**
 * What the studio offers, each named by the server scope its operations need (server/src/graphql/builder.ts's
 * `authScopes`): `admin` manages, `support` works the desk, `reader` reads conversations and runs.
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
  /** editPlan on a paused run. */
  editPlans: 'admin',
  /** stepRun, continueRun, pauseRun. */
  stepRuns: 'reader',
  /** The desk: queue, claim, reply as a person, tickets. */
  workDesk: 'support',
} as const;

export type StudioAction = keyof typeof scopeOf | 'chatAsShopper';

type Scope = (typeof scopeOf)[keyof typeof scopeOf];

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
  return scopesOf[viewer.role]?.includes(scopeOf[action]) ?? false;
}

/** `may(action)` for the studio's credentials; false for everything until the server has said who they are. */
export function usePermissions(): (action: StudioAction) => boolean {
  const viewer = useViewer();
  return (action) => viewer !== undefined && viewerMay(viewer, action);
}
