import { and, asc, desc, eq, gt, inArray, notInArray } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.js';
import { NotFoundError, ValidationError } from '../errors.js';
import { fromCents } from './money.js';
import { storeProductAssociations, storeProducts, storeVariants } from './schema/index.js';
import { refusal } from './store-refusals.js';

export interface Recommendation {
  product_id: string;
  name: string;
  /** Which of the shopper's products the rule starts from. */
  because_of: { product_id: string; name: string };
  support: number;
  confidence: number;
  lift: number;
  orders_together: number;
  explanation: string;
  /** A few in-stock variants to offer, cheapest first. */
  suggested_items: { item_id: string; options: Record<string, string>; price: number }[];
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/**
 * recommend_related: products often bought together with the given items or product, from the
 * association rules mined at seed time. Only rules with lift above 1 (bought together more often
 * than chance) are used; the strongest rule per recommended product is explained.
 */
export async function recommendRelated(
  db: DbOrTx,
  input: { item_ids?: string[]; product_id?: string; limit?: number },
): Promise<{ based_on: { product_id: string; name: string }[]; recommendations: Recommendation[]; note?: string }> {
  const limit = Math.min(Math.max(input.limit ?? 3, 1), 10);
  const productIds = new Set<string>();
  if (input.product_id) productIds.add(input.product_id.trim());
  if (input.item_ids?.length) {
    const rows = await db
      .select({ itemId: storeVariants.itemId, productId: storeVariants.productId })
      .from(storeVariants)
      .where(inArray(storeVariants.itemId, input.item_ids));
    const found = new Set(rows.map((r) => r.itemId));
    const missing = input.item_ids.filter((id) => !found.has(id));
    if (missing.length > 0)
      throw new NotFoundError(
        `Unknown item ids: ${missing.join(', ')}.`,
        refusal('ITEM_NOT_FOUND', { item_ids: missing }),
      );
    for (const r of rows) productIds.add(r.productId);
  }
  if (productIds.size === 0)
    throw ValidationError.single(
      'item_ids',
      'Give item_ids or a product_id to recommend from.',
      refusal('RECOMMENDATION_BASIS_MISSING'),
    );

  const products = await db
    .select({ id: storeProducts.id, name: storeProducts.name })
    .from(storeProducts)
    .where(inArray(storeProducts.id, [...productIds]));
  if (products.length !== productIds.size) {
    const known = new Set(products.map((p) => p.id));
    const unknown = [...productIds].filter((id) => !known.has(id));
    throw new NotFoundError(
      `Unknown product ids: ${unknown.join(', ')}.`,
      refusal('PRODUCT_NOT_FOUND', { product_ids: unknown }),
    );
  }
  const names = new Map(products.map((p) => [p.id, p.name]));

  const rules = await db
    .select({ rule: storeProductAssociations, name: storeProducts.name })
    .from(storeProductAssociations)
    .innerJoin(storeProducts, eq(storeProducts.id, storeProductAssociations.consequentId))
    .where(
      and(
        inArray(storeProductAssociations.antecedentId, [...productIds]),
        notInArray(storeProductAssociations.consequentId, [...productIds]),
        gt(storeProductAssociations.lift, 1),
      ),
    )
    .orderBy(
      desc(storeProductAssociations.lift),
      desc(storeProductAssociations.confidence),
      desc(storeProductAssociations.pairCount),
      asc(storeProductAssociations.consequentId),
    );
  const best = new Map<string, (typeof rules)[number]>();
  for (const r of rules) if (!best.has(r.rule.consequentId)) best.set(r.rule.consequentId, r);
  const chosen = [...best.values()].slice(0, limit);

  const variants = chosen.length
    ? await db
        .select()
        .from(storeVariants)
        .where(
          and(
            inArray(
              storeVariants.productId,
              chosen.map((c) => c.rule.consequentId),
            ),
            eq(storeVariants.available, true),
          ),
        )
        .orderBy(asc(storeVariants.priceCents))
    : [];

  const recommendations = chosen.map(({ rule, name }) => {
    const from = names.get(rule.antecedentId)!;
    return {
      product_id: rule.consequentId,
      name,
      because_of: { product_id: rule.antecedentId, name: from },
      support: Number(rule.support.toFixed(4)),
      confidence: Number(rule.confidence.toFixed(4)),
      lift: Number(rule.lift.toFixed(2)),
      orders_together: rule.pairCount,
      explanation: `${rule.pairCount} of ${rule.orderCount} orders had both ${from} and ${name} (support ${pct(rule.support)}); ${pct(rule.confidence)} of the ${rule.antecedentCount} orders with ${from} also had ${name} (confidence), ${rule.lift.toFixed(2)}× as often as orders in general (lift).`,
      suggested_items: variants
        .filter((v) => v.productId === rule.consequentId)
        .slice(0, 3)
        .map((v) => ({ item_id: v.itemId, options: v.options, price: fromCents(v.priceCents) })),
    };
  });
  return {
    based_on: [...productIds].map((id) => ({ product_id: id, name: names.get(id)! })),
    recommendations,
    ...(recommendations.length === 0
      ? { note: 'No product is bought together with these more often than chance; do not push a recommendation.' }
      : {}),
  };
}
