/** Dollars (as the dataset writes them, e.g. 47.84) to integer cents, exact to the cent. */
export const toCents = (dollars: number): number => Math.round(dollars * 100);

/** Integer cents back to dollars: 4784 → 47.84, the same number the dataset had. */
export const fromCents = (cents: number): number => Number((cents / 100).toFixed(2));

/** `$47.84`, for explanations. */
export const formatMoney = (cents: number): string => `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toFixed(2)}`;
