import { z } from 'zod';

/** What one model costs, per million tokens, as the provider bills it. */
export const modelPriceSchema = z.object({
  /** The model name as the provider reports it (the name recorded with each call's token usage). */
  model: z.string().trim().min(1, 'model is required').max(200),
  inputPerMillion: z.number().nonnegative('a price is zero or more').max(1_000_000),
  outputPerMillion: z.number().nonnegative('a price is zero or more').max(1_000_000),
  /** ISO 4217 code, e.g. USD. */
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'currency is a three-letter code such as USD'),
});
export type ModelPrice = z.infer<typeof modelPriceSchema>;

/**
 * The workspace's price list. One price per model and one currency for all of them, so that analytics
 * can add costs up without exchange rates.
 */
export const modelPricesSchema = z
  .array(modelPriceSchema)
  .max(200)
  .superRefine((prices, ctx) => {
    const seen = new Set<string>();
    prices.forEach((p, i) => {
      if (seen.has(p.model))
        ctx.addIssue({ code: 'custom', path: [i, 'model'], message: `"${p.model}" has a price already` });
      seen.add(p.model);
      if (p.currency !== prices[0]?.currency)
        ctx.addIssue({ code: 'custom', path: [i, 'currency'], message: `every price is in ${prices[0]?.currency}` });
    });
  });

/** Token counts of one model, from events' usage. */
export interface ModelTokens {
  promptTokens: number;
  completionTokens: number;
}

/** The cost of tokens at a price (in the price's currency). */
export function tokenCost(tokens: ModelTokens, price: ModelPrice): number {
  return (tokens.promptTokens * price.inputPerMillion + tokens.completionTokens * price.outputPerMillion) / 1_000_000;
}
