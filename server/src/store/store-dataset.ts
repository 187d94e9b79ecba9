import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { repoPath } from '../paths.js';

/**
 * The tau-retail dataset's file shapes (users.json, orders.json, products.json). The same schemas
 * describe what `store export` writes, with the fields the tools add to orders.
 */
const address = z.object({
  address1: z.string(),
  address2: z.string(),
  city: z.string(),
  country: z.string(),
  state: z.string(),
  zip: z.string(),
});
export type DatasetAddress = z.infer<typeof address>;

const paymentMethod = z.union([
  z.object({ source: z.literal('credit_card'), brand: z.string(), last_four: z.string(), id: z.string() }),
  z.object({ source: z.literal('gift_card'), balance: z.number(), id: z.string() }),
  z.object({ source: z.literal('paypal'), id: z.string() }),
]);
export type DatasetPaymentMethod = z.infer<typeof paymentMethod>;

export const datasetUser = z.object({
  name: z.object({ first_name: z.string(), last_name: z.string() }),
  address,
  email: z.string(),
  payment_methods: z.record(z.string(), paymentMethod),
  orders: z.array(z.string()),
});
export type DatasetUser = z.infer<typeof datasetUser>;

const orderItem = z.object({
  name: z.string(),
  product_id: z.string(),
  item_id: z.string(),
  price: z.number(),
  options: z.record(z.string(), z.string()),
});
export type DatasetOrderItem = z.infer<typeof orderItem>;

export const datasetOrder = z.object({
  order_id: z.string(),
  user_id: z.string(),
  address,
  items: z.array(orderItem),
  fulfillments: z.array(z.object({ tracking_id: z.array(z.string()), item_ids: z.array(z.string()) })),
  status: z.string(),
  payment_history: z.array(
    z.object({ transaction_type: z.enum(['payment', 'refund']), amount: z.number(), payment_method_id: z.string() }),
  ),
  // Added by the tools, never present in the source files.
  cancel_reason: z.string().optional(),
  return_items: z.array(z.string()).optional(),
  return_payment_method_id: z.string().optional(),
  exchange_items: z.array(z.string()).optional(),
  exchange_new_items: z.array(z.string()).optional(),
  exchange_payment_method_id: z.string().optional(),
  exchange_price_difference: z.number().optional(),
});
export type DatasetOrder = z.infer<typeof datasetOrder>;

export const datasetVariant = z.object({
  item_id: z.string(),
  options: z.record(z.string(), z.string()),
  available: z.boolean(),
  price: z.number(),
});
export type DatasetVariant = z.infer<typeof datasetVariant>;

export const datasetProduct = z.object({
  name: z.string(),
  product_id: z.string(),
  variants: z.record(z.string(), datasetVariant),
});
export type DatasetProduct = z.infer<typeof datasetProduct>;

export const storeDatasetSchema = z.object({
  users: z.record(z.string(), datasetUser),
  orders: z.record(z.string(), datasetOrder),
  products: z.record(z.string(), datasetProduct),
});
export type StoreDataset = z.infer<typeof storeDatasetSchema>;

export const storeDatasetFiles = ['users', 'orders', 'products'] as const;

/** `../shared/data/tau-retail` next to the repository, unless STORE_DATA_DIR says otherwise. */
export function defaultStoreDataDir(env: Record<string, string | undefined> = process.env): string {
  if (env.STORE_DATA_DIR) return env.STORE_DATA_DIR;
  return repoPath('..', 'shared', 'data', 'tau-retail');
}

/** Reads and validates the three dataset files. */
export async function loadStoreDataset(dir: string): Promise<StoreDataset> {
  const raw: Record<string, unknown> = {};
  for (const file of storeDatasetFiles) {
    const path = join(dir, `${file}.json`);
    try {
      raw[file] = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(`Cannot read the store dataset file ${path}: ${(err as Error).message}`, { cause: err });
    }
  }
  const parsed = storeDatasetSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`The store dataset in ${dir} is malformed at ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}
