import { type ChangeCard, formAnswer, type ToolCard } from '@baton/client/tool-cards';
import { useState } from 'react';
import { ChangeLines } from '../ui/change-lines.js';

const money = (n: number | null) => (n === null ? '' : `$${n.toFixed(2)}`);

/**
 * A card the shopper sees beside the answer, drawn from a tool result as the storefront widget draws it. A form
 * sends what is filled in as the shopper's next message, as the widget's does; without `onSend` (credentials that do
 * not write as the shopper) the card is only shown.
 */
export function ToolCardView(props: {
  card:
    | (ToolCard & { id: string; answered: boolean })
    | (ChangeCard & { id: string; answered: boolean; done: boolean });
  onSend?(text: string): Promise<boolean>;
}) {
  const { card } = props;
  if (card.kind === 'change') return <HeldChangeCard card={card} onSend={props.onSend} />;
  if (card.kind === 'products')
    return (
      <section className="shopper-card" aria-label={card.title}>
        <h4>{card.title}</h4>
        <ul>
          {card.products.map((p, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the same product can be listed in two variants
            <li key={`${p.name}-${i}`}>
              <span className="shopper-card-name">{p.name}</span>
              <span className="shopper-card-price">{money(p.price)}</span>
              <span className="muted">{p.options}</span>
              <span className={p.inStock ? 'stock-in' : 'stock-out'}>{p.inStock ? 'In stock' : 'Out of stock'}</span>
            </li>
          ))}
        </ul>
      </section>
    );
  if (card.kind === 'order')
    return (
      <section className="shopper-card" aria-label={`Order ${card.order.orderId}`}>
        <h4>
          Order {card.order.orderId} <span className="badge">{card.order.status}</span>
        </h4>
        <ul>
          {card.order.items.map((item, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: an order can hold the same item twice
            <li key={`${item.name}-${i}`}>
              <span className="shopper-card-name">{item.name}</span>
              <span className="shopper-card-price">{money(item.price)}</span>
              <span className="muted">{item.options}</span>
            </li>
          ))}
        </ul>
        {card.order.tracking.length > 0 && <p className="muted">Tracking: {card.order.tracking.join(', ')}</p>}
      </section>
    );
  return <FormCard card={card} onSend={props.onSend} />;
}

/**
 * A change the server holds until the shopper says yes, as the store described it, with the answers the widget
 * offers as buttons: each sends its words as the shopper's next message.
 */
function HeldChangeCard(props: {
  card: ChangeCard & { id: string; answered: boolean; done: boolean };
  onSend?(text: string): Promise<boolean>;
}) {
  const { card, onSend } = props;
  const [sending, setSending] = useState(false);
  const send = (text: string) => {
    setSending(true);
    void onSend?.(text).finally(() => setSending(false));
  };
  return (
    <section className="shopper-card held-change-card" aria-label={`To confirm: ${card.title}`}>
      <h4>{card.title}</h4>
      <ChangeLines lines={card.lines} />
      {card.done ? (
        <p className="stock-in">Done.</p>
      ) : card.answered ? null : !onSend ? (
        <p className="muted">Nothing changes until the shopper replies yes.</p>
      ) : (
        <div className="held-change-actions">
          <span className="muted">Nothing changes until the shopper replies yes.</span>
          <button type="button" className="btn btn-primary" disabled={sending} onClick={() => send('Yes, go ahead')}>
            Yes, go ahead
          </button>
          <button type="button" className="btn" disabled={sending} onClick={() => send('No, thanks')}>
            No, thanks
          </button>
        </div>
      )}
    </section>
  );
}

function FormCard(props: {
  card: Extract<ToolCard, { kind: 'form' }> & { id: string; answered: boolean };
  onSend?(text: string): Promise<boolean>;
}) {
  const { card, onSend } = props;
  const [values, setValues] = useState<string[]>(() => card.fields.map(() => ''));
  const [sending, setSending] = useState(false);
  const disabled = card.answered || sending || !onSend;
  return (
    <form
      className="shopper-card shopper-form"
      aria-label={card.title}
      onSubmit={(e) => {
        e.preventDefault();
        const answer = formAnswer(values);
        if (!answer || !onSend) return;
        setSending(true);
        void onSend(answer).finally(() => setSending(false));
      }}
    >
      <h4>{card.title}</h4>
      {card.description && <p className="muted">{card.description}</p>}
      {card.fields.map((f, i) => {
        const id = `${card.id}-${f.name}`;
        const common = {
          id,
          name: f.name,
          required: f.required,
          disabled,
          placeholder: f.placeholder,
          autoComplete: f.autocomplete,
          value: values[i] ?? '',
          onChange: (e: { target: { value: string } }) =>
            setValues((v) => v.map((old, j) => (j === i ? e.target.value : old))),
        };
        return (
          <label key={f.name} htmlFor={id}>
            {f.label}
            {f.type === 'textarea' || f.type === 'address' ? (
              <textarea rows={2} {...common} />
            ) : (
              <input type={f.type} {...common} />
            )}
          </label>
        );
      })}
      {onSend && (
        <button type="submit" className="btn" disabled={disabled}>
          {card.answered ? 'Sent' : card.submitLabel}
        </button>
      )}
    </form>
  );
}
