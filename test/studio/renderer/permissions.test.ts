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
  'workDesk',
  'chatAsShopper',
];

/** What the studio offers each role: the server's scopes (builder.ts authScopes, auth/principal.ts). */
const allowed = (role: string, writesAsShopper: boolean) =>
  actions.filter((a) => viewerMay({ role, name: null, writesAsShopper, vouchesForCustomers: false }, a));

describe('what the studio offers a viewer', () => {
  it('offers an admin everything, a support key the desk and reading, an integrator reading and the shopper', () => {
    expect(allowed('admin', true)).toEqual(actions);
    expect(allowed('support', false)).toEqual(['stepRuns', 'workDesk']);
    expect(allowed('integrator', true)).toEqual(['stepRuns', 'chatAsShopper']);
    expect(allowed('conversation', true)).toEqual(['chatAsShopper']);
    expect(allowed('anonymous', false)).toEqual([]);
  });

  it('offers everything when the server could not say who the viewer is (a server without viewer)', () => {
    expect(actions.filter((a) => viewerMay(null, a))).toEqual(actions);
  });
});
