import { Fragment } from 'react';
import type { StoreRefusal } from '../lib/store-refusal.js';

/** Why the store refused a call: the reason in words, its code, and the facts it gave (the order's status…). */
export function StoreRefusalNote({ refusal }: { refusal: StoreRefusal }) {
  return (
    <section className="store-refusal" aria-label="Why the store refused">
      <p>
        <strong>{refusal.title}</strong> <span className="mono muted">{refusal.code}</span>
      </p>
      {refusal.facts.length > 0 && (
        <dl className="kv">
          {refusal.facts.map((f) => (
            <Fragment key={f.label}>
              <dt>{f.label}</dt>
              <dd className="mono">{f.value}</dd>
            </Fragment>
          ))}
        </dl>
      )}
    </section>
  );
}
