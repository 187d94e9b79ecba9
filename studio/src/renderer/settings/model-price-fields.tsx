import { Field } from '../ui/field.js';

/** The price list as typed: amounts stay text until saved, so a half-typed number is not lost. */
export interface PricesDraft {
  currency: string;
  rows: { model: string; input: string; output: string }[];
}

export const toPricesDraft = (
  prices: readonly { model: string; inputPerMillion: number; outputPerMillion: number; currency: string }[],
): PricesDraft => ({
  currency: prices[0]?.currency ?? 'USD',
  rows: prices.map((p) => ({ model: p.model, input: String(p.inputPerMillion), output: String(p.outputPerMillion) })),
});

/** A typed amount; anything else goes to the server as -1, which refuses it with the field named. */
const amount = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : -1);

/** The `modelPrices` input of updateSettings. */
export const pricesInput = (d: PricesDraft) =>
  d.rows
    .filter((r) => r.model.trim() || r.input.trim() || r.output.trim())
    .map((r) => ({
      model: r.model.trim(),
      inputPerMillion: amount(r.input),
      outputPerMillion: amount(r.output),
      currency: d.currency.trim().toUpperCase(),
    }));

/**
 * What each model costs per million tokens, in one currency: analytics prices the tokens recorded
 * under each model name and says "no price set" for the others.
 */
export function ModelPriceFields(props: {
  value: PricesDraft;
  onChange(v: PricesDraft): void;
  error(field: string): string | undefined;
}) {
  const { value, onChange, error } = props;
  const setRow = (i: number, patch: Partial<PricesDraft['rows'][number]>) =>
    onChange({ ...value, rows: value.rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <>
      <Field
        label="Currency"
        error={error('modelPrices.0.currency')}
        hint="One currency for every price, e.g. USD or EUR."
      >
        {(a) => (
          <input
            {...a}
            value={value.currency}
            size={4}
            maxLength={3}
            onChange={(e) => onChange({ ...value, currency: e.target.value })}
          />
        )}
      </Field>
      {value.rows.map((r, i) => (
        // Rows have no id of their own; the list only grows at the end or loses a row.
        // biome-ignore lint/suspicious/noArrayIndexKey: see above
        <fieldset className="row price-row" key={i} aria-label={`Price ${i + 1}`}>
          <Field label="Model" error={error(`modelPrices.${i}.model`)} className="grow">
            {(a) => (
              <input
                {...a}
                value={r.model}
                placeholder="e.g. gpt-4o-mini"
                spellCheck={false}
                onChange={(e) => setRow(i, { model: e.target.value })}
              />
            )}
          </Field>
          <Field label="Input per million tokens" error={error(`modelPrices.${i}.inputPerMillion`)}>
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                size={8}
                value={r.input}
                onChange={(e) => setRow(i, { input: e.target.value })}
              />
            )}
          </Field>
          <Field label="Output per million tokens" error={error(`modelPrices.${i}.outputPerMillion`)}>
            {(a) => (
              <input
                {...a}
                inputMode="decimal"
                size={8}
                value={r.output}
                onChange={(e) => setRow(i, { output: e.target.value })}
              />
            )}
          </Field>
          <button
            type="button"
            className="btn btn-ghost btn-sm"
            aria-label={`Remove the price of ${r.model || `row ${i + 1}`}`}
            onClick={() => onChange({ ...value, rows: value.rows.filter((_, j) => j !== i) })}
          >
            Remove
          </button>
        </fieldset>
      ))}
      <button
        type="button"
        className="btn btn-ghost btn-sm"
        onClick={() => onChange({ ...value, rows: [...value.rows, { model: '', input: '', output: '' }] })}
      >
        Add a model price
      </button>
    </>
  );
}
