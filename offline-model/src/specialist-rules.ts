import type { Decision } from './decision.js';
import { extractEntities } from './entity-extractor.js';
import { genericToolStep } from './generic-tool-step.js';
import { handoffStep } from './handoff-rule.js';
import { declinedChange, orderRecipe } from './order-recipes.js';
import { writeReply } from './reply-writer.js';
import { shoppingRecipe } from './shopping-recipes.js';
import { lastResortKnowledge, supportRecipe } from './support-recipes.js';
import type { TaskBrief } from './task-brief.js';
import { buildTaskContext, type TaskContext } from './task-context.js';
import type { ChatRequest, ToolCall } from './wire.js';

/** Tools whose results only lead to the next step. */
const MEANS = new Set(['find_user_id_by_email', 'find_user_id_by_name_zip', 'get_user_details', 'validate_email']);
const UNFINISHED = "I couldn't finish everything in one go; ask me again and I'll pick up from here.";

/** One specialist model call's outcome: tool calls, or the final reply. */
export type TaskStep = { kind: 'reply'; text: string } | { kind: 'tools'; calls: ToolCall[] };

/**
 * The specialist rules for one call of a task's tool loop: hand off if the task belongs to a
 * colleague; otherwise identify the shopper when orders are involved, call the tools the task
 * needs (recipes for the store's tools, word overlap for unknown ones), and finally write the
 * reply from the tool results. With no tools offered (the last step) it answers with what it has.
 */
export function decideTaskStep(request: ChatRequest, hints: TaskBrief): TaskStep {
  const ctx = buildTaskContext(request, hints);
  // The caller offers no tools on an agent's last step: answer with what there is.
  const outOfSteps = ctx.tools.length === 0;
  if (outOfSteps) {
    // Answer with what we have, and say so when the last result was only a means to an end.
    const last = ctx.transcript.steps.at(-1);
    const unfinished =
      !!last?.ok &&
      (MEANS.has(last.tool) ||
        (last.tool === 'search_products' && ['recommend', 'product_detail'].includes(ctx.intent)));
    const text = writeReply(ctx);
    return { kind: 'reply', text: unfinished ? [text, UNFINISHED].filter(Boolean).join('\n\n') : text };
  }
  const decision = nextDecision(ctx);
  if (decision?.kind === 'call') {
    // Ids are derived from the step and position so that the same input gives the same output.
    const calls = decision.calls.map((c, i) => ({
      id: `call_offline_${ctx.transcript.turns + 1}_${i + 1}`,
      name: c.spec.name,
      arguments: JSON.stringify(c.args),
    }));
    return { kind: 'tools', calls };
  }
  return { kind: 'reply', text: decision?.kind === 'reply' ? decision.text : writeReply(ctx) };
}

function nextDecision(ctx: TaskContext): Decision | undefined {
  // "No, thanks" right after a proposed change (the widget's button) declines it, though it reads as a goodbye.
  const declined = declinedChange(ctx);
  if (declined || ctx.intent === 'greeting') return declined;
  return (
    handoffStep(ctx) ??
    orderRecipe(ctx) ??
    shoppingRecipe(ctx) ??
    supportRecipe(ctx) ??
    genericToolStep(ctx) ??
    questionStands(ctx) ??
    lastResortKnowledge(ctx)
  );
}

/**
 * A bare "yes" to a question that asked for something else ("What should the kettle change to?"): the question again,
 * rather than an article searched for "yes"; to an answer that asked nothing, an offer of more help.
 */
function questionStands(ctx: TaskContext): Decision | undefined {
  const message = ctx.hints.userMessage;
  if (ctx.entities.confirms || !extractEntities(message).confirms || message.trim().split(/\s+/).length > 4)
    return undefined;
  const question = (ctx.lastAnswer ?? '')
    .split(/(?<=[.!?])\s+/)
    .findLast((s) => s.trim().endsWith('?'))
    ?.replace(MORE_TO_GO_ON, '')
    .trim();
  // Nothing was asked ("Your return … is requested.", then "ok"): an acknowledgement, not a question to look up.
  if (!question)
    return {
      kind: 'reply',
      text: ctx.lastAnswer ? 'Is there anything else I can help you with?' : 'What can I help you with?',
    };
  // Only a question a yes cannot answer ("what", "which"…): "would you like me to…?" was answered.
  return /^(?:what|which|where|when|who|how)\b/i.test(question)
    ? { kind: 'reply', text: `${MORE_TO_GO_ON}${question}` }
    : undefined;
}
const MORE_TO_GO_ON = 'I need a little more to go on: ';
