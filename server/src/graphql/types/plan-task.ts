import type { PlanTask } from '../../domain/plan.js';
import { builder } from '../builder.js';

/** Its own file: plan versions and PLAN events both use it, and events.ts cannot import runs.ts. */
export const PlanTaskRef = builder.objectRef<PlanTask>('PlanTask').implement({
  description: "A task of a plan: a plan version's, or a PLAN event's.",
  fields: (t) => ({
    id: t.exposeString('id'),
    agent: t.exposeString('agent'),
    instruction: t.exposeString('instruction'),
    statusMessage: t.exposeString('statusMessage'),
    dependsOn: t.exposeStringList('dependsOn'),
  }),
});
