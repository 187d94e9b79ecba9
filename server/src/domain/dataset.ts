import { z } from 'zod';

const agents = z.array(z.string().min(1).max(64)).max(12);

/** How an argument of an expected tool call is checked: equal to a value, or a text that contains / matches. */
export const argumentMatcherSchema = z.union([
  z.object({ contains: z.string().min(1) }).strict(),
  z
    .object({ matches: z.string().min(1).max(500) })
    .strict()
    .refine((m) => isRegExp(m.matches), { message: 'not a valid regular expression' }),
  z.object({ equals: z.unknown() }).strict(),
]);
export type ArgumentMatcher = z.infer<typeof argumentMatcherSchema>;

/** A routing case: one shopper utterance and the agents a good plan uses (none: the planner refuses). */
export const routingCaseSchema = z.object({
  kind: z.literal('routing').default('routing'),
  utterance: z.string().trim().min(1, 'utterance is empty').max(4_000),
  agents,
  tags: z.array(z.string().max(64)).max(20).optional(),
  source: z.string().max(200).optional(),
});

/** One shopper turn of a scenario, with what should happen. Unset checks are not checked. */
export const scenarioTurnSchema = z.object({
  user: z.string().trim().min(1, 'user text is empty').max(4_000),
  expectAgents: agents.optional(),
  expectTools: z
    .array(
      z.object({
        tool: z.string().min(1).max(200),
        args: z.record(z.string(), argumentMatcherSchema).optional(),
      }),
    )
    .max(20)
    .optional(),
  replyMustContain: z.array(z.string().min(1).max(500)).max(20).optional(),
  replyMustNotContain: z.array(z.string().min(1).max(500)).max(20).optional(),
});
export type ScenarioTurn = z.infer<typeof scenarioTurnSchema>;

/** A scenario: a few shopper turns in one conversation, run through the real run path. */
export const scenarioCaseSchema = z.object({
  kind: z.literal('scenario'),
  name: z.string().trim().min(1).max(200),
  /** A verified customer the conversation carries (a store user id). */
  customerId: z.string().max(200).optional(),
  turns: z.array(scenarioTurnSchema).min(1).max(10),
});

export const datasetCaseSchema = z.discriminatedUnion('kind', [
  routingCaseSchema.extend({ kind: z.literal('routing') }),
  scenarioCaseSchema,
]);
export type DatasetCase = z.infer<typeof datasetCaseSchema>;
export type RoutingDatasetCase = Extract<DatasetCase, { kind: 'routing' }>;
export type ScenarioDatasetCase = Extract<DatasetCase, { kind: 'scenario' }>;

/** A JSONL line as a case: a line without `kind` is a routing case (the routing fixtures' format). */
export function parseCaseLine(json: unknown): z.ZodSafeParseResult<DatasetCase> {
  const withKind =
    json && typeof json === 'object' && !Array.isArray(json) && !('kind' in json) ? { ...json, kind: 'routing' } : json;
  return datasetCaseSchema.safeParse(withKind);
}

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
