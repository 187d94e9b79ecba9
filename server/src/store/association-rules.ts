/** One association rule between products: whoever buys `antecedentId` often buys `consequentId` too. */
export interface AssociationRule {
  antecedentId: string;
  consequentId: string;
  pairCount: number;
  antecedentCount: number;
  consequentCount: number;
  orderCount: number;
  /** Share of all orders holding both products. */
  support: number;
  /** Share of orders with the antecedent that also hold the consequent. */
  confidence: number;
  /** Confidence divided by the consequent's own share of orders: above 1 means "more than chance". */
  lift: number;
}

/**
 * Mines pairwise association rules (both directions) from baskets of product ids. Pairs seen in
 * fewer than `minPairCount` orders are dropped: one co-purchase is an anecdote, not a pattern.
 */
export function mineAssociationRules(baskets: Iterable<Iterable<string>>, minPairCount = 2): AssociationRule[] {
  const single = new Map<string, number>();
  const pairs = new Map<string, number>();
  let orderCount = 0;
  for (const basket of baskets) {
    orderCount++;
    const products = [...new Set(basket)].sort();
    for (const p of products) single.set(p, (single.get(p) ?? 0) + 1);
    for (let i = 0; i < products.length; i++) {
      for (let j = i + 1; j < products.length; j++) {
        const key = `${products[i]}\u0000${products[j]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }
  const rules: AssociationRule[] = [];
  for (const [key, pairCount] of pairs) {
    if (pairCount < minPairCount) continue;
    const [a, b] = key.split('\u0000') as [string, string];
    for (const [antecedentId, consequentId] of [
      [a, b],
      [b, a],
    ] as const) {
      const antecedentCount = single.get(antecedentId)!;
      const consequentCount = single.get(consequentId)!;
      const confidence = pairCount / antecedentCount;
      rules.push({
        antecedentId,
        consequentId,
        pairCount,
        antecedentCount,
        consequentCount,
        orderCount,
        support: pairCount / orderCount,
        confidence,
        lift: confidence / (consequentCount / orderCount),
      });
    }
  }
  return rules;
}
