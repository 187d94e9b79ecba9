import { z } from 'zod';

/**
 * What a change the shopper is asked to agree to would do, written by the store from a rehearsal of the call (not by
 * a model): a title ("Cancel order #W6460787") and one line per fact (an item, a refund, an address). Shown to the
 * shopper beside the question, so that the yes is given to what the code will do.
 */
/** How many lines a description may have. */
export const CHANGE_SUMMARY_MAX_LINES = 24;

export const changeSummarySchema = z
  .object({
    title: z.string().min(1).max(200).describe('What the change is, e.g. "Cancel order #W6460787".'),
    lines: z
      .array(z.string().min(1).max(400))
      .max(CHANGE_SUMMARY_MAX_LINES)
      .describe('One fact per line: an item, a charge or refund and its method, an address, a rule that follows.'),
  })
  .describe("What a change held for the shopper's yes would do, written by the store from a rehearsal of the call.");
export type ChangeSummary = z.infer<typeof changeSummarySchema>;
