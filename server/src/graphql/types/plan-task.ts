import type { PlanTask } from '../../domain/plan.js';
import { builder } from '../builder.js';
import { textFor } from '../redacted.js';

/** Its own file: plan versions and PLAN events both use it, and events.ts cannot import runs.ts. */
export const PlanTaskRef = builder.objectRef<PlanTask>('PlanTask').implement({
  description: "A task of a plan: a plan version's, or a PLAN event's.",
  fields: (t) => ({
    id: t.exposeString('id'),
    agent: t.exposeString('agent'),
    // Redacted for integrator keys without full data (a PLAN event's data already is; redacting twice changes nothing).
    instruction: t.string({ resolve: (task, _a, ctx) => textFor(ctx, task.instruction) }),
    statusMessage: t.string({ resolve: (task, _a, ctx) => textFor(ctx, task.statusMessage) }),
    dependsOn: t.exposeStringList('dependsOn'),
  }),
});
