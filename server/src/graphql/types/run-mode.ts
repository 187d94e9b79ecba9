import { runModes } from '../../db/schema/conversations.js';
import { builder } from '../builder.js';

/** Its own file: runs and RUN_STARTED events both use it, and events.ts cannot import runs.ts. */
export const RunModeEnum = builder.enumType('RunMode', {
  description: 'AUTO runs straight through; STEP pauses after planning and before each task.',
  values: runModes,
});
