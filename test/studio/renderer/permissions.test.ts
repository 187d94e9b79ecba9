import { describe, expect, it } from 'vitest';
import { type StudioAction, viewerMay } from '../../../studio/src/renderer/connection/permissions.js';

const actions: StudioAction[] = [
  'editAgents',
  'editSettings',
  'manageIntegrations',
  'runExperiments',
  'useDrafts',
  'editPlans',
  'stepRuns',
  'cancelRuns',
  'workDesk',
  'chatAsShopper',
  'startDrivenRuns',
];

/** What the studio offers each role: the server's scopes (builder.ts authScopes, auth/principal.ts). */
const allowed = (role: string, writesAsShopper: boolean) =>
  actions.filter((a) => viewerMay({ role, name: null, writesAsShopper, vouchesForCustomers: false }, a));

describe('what the studio offers a viewer', () => {
  it('offers an admin everything, a support key the desk and reading, an integrator reading and the shopper', () => {
    expect(allowed('admin', true)).toEqual(actions);
    // Stepping, continuing and pausing runs is the designers' (admin keys); a support colleague stops the bot.
    expect(allowed('support', false)).toEqual(['cancelRuns', 'workDesk']);
    // An integrator key starts step-mode and plan-review runs, and drives those it started: the inspector asks the
    // server run by run (Run.viewerDrives), never anyone else's run.
    expect(allowed('integrator', true)).toEqual(['chatAsShopper', 'startDrivenRuns']);
    // A conversation token stops its own runs (the shopper's stop button), and reads no other conversation.
    expect(allowed('conversation', true)).toEqual(['cancelRuns', 'chatAsShopper']);
    expect(allowed('anonymous', false)).toEqual([]);
  });

  it('offers everything when the server could not say who the viewer is (a server without viewer)', () => {
    expect(actions.filter((a) => viewerMay(null, a))).toEqual(actions);
  });
});
