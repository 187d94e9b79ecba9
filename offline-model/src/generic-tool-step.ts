import { callTool, type Decision, reply } from './decision.js';
import { HANDOFF_PREFIX } from './handoff-rule.js';
import type { TaskContext } from './task-context.js';
import { toolPart } from './task-transcript.js';
import { createTextAnalyzer } from './text-features.js';
import { fillArguments } from './tool-arguments.js';

/** Store tools the recipes drive; the generic rule leaves them alone. */
const RECIPE_TOOLS = new Set([
  'find_user_id_by_email',
  'find_user_id_by_name_zip',
  'get_user_details',
  'get_order_details',
  'get_product_details',
  'list_all_product_types',
  'cancel_pending_order',
  'modify_pending_order_address',
  'modify_pending_order_payment',
  'modify_pending_order_items',
  'return_delivered_order_items',
  'exchange_delivered_order_items',
  'modify_user_address',
  'transfer_to_human_agents',
  'search_products',
  'read_product_document',
  'recommend_related',
  'search_knowledge',
  'validate_email',
  'create_lead',
  'subscribe_back_in_stock',
  'create_ticket',
  'request_user_info',
]);

const label = (property: string) =>
  property
    .replace(/_?id$/i, ' number')
    .replace(/_/g, ' ')
    .replace(/\bemail\b/, 'email address')
    .trim();

/**
 * For tools no recipe knows (cards designers add later): rank the offered tools by the words their
 * name and description share with the request, and call the best one whose required arguments can
 * all be filled. If the best match lacks arguments, ask the shopper for them instead.
 */
export function genericToolStep(ctx: TaskContext): Decision | undefined {
  if (ctx.transcript.steps.some((s) => s.ok)) return undefined;
  const analyze = createTextAnalyzer(
    ctx.tools.flatMap((t) => `${toolPart(t.name)} ${t.description}`.toLowerCase().split(/[^a-z]+/)),
  );
  const wanted = new Set(analyze(ctx.request).tokens.map((t) => t.stem));
  const ranked = ctx.tools
    .filter((t) => !t.name.startsWith(HANDOFF_PREFIX) && !RECIPE_TOOLS.has(toolPart(t.name)))
    .map((spec, i) => {
      const name = new Set(analyze(toolPart(spec.name).replace(/_/g, ' ')).tokens.map((t) => t.stem));
      const description = new Set(analyze(spec.description).tokens.map((t) => t.stem));
      let score = 0;
      for (const w of wanted) score += name.has(w) ? 2 : description.has(w) ? 1 : 0;
      return { spec, score, i };
    })
    .filter((r) => r.score > 0)
    .sort((a, b) => b.score - a.score || a.i - b.i);
  for (const { spec } of ranked) {
    const d = callTool(ctx, toolPart(spec.name));
    // A tool with parameters but nothing filled would run blind.
    const blind = d?.kind === 'call' && Object.keys(d.calls[0]!.args).length === 0 && hasProperties(spec.parameters);
    if (d && !blind) return d;
  }
  const best = ranked[0];
  if (!best) return undefined;
  const { missing } = fillArguments(best.spec.parameters, ctx.values);
  if (!missing.length) return undefined;
  return reply(
    `To help with that I need your ${missing.map(label).join(' and ')}. Could you send ${missing.length > 1 ? 'them' : 'it'}?`,
  );
}

function hasProperties(schema: Record<string, unknown>): boolean {
  const p = schema.properties;
  return !!p && typeof p === 'object' && Object.keys(p).length > 0;
}
