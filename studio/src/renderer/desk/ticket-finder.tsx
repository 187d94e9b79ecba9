import { useState } from 'react';
import { useClient } from 'urql';
import { type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import type { ResultOf } from '../graphql/graphql.js';
import { Field } from '../ui/field.js';
import { TicketsByReferenceQuery } from './desk-documents.js';

type Found = ResultOf<typeof TicketsByReferenceQuery>['tickets'];

/**
 * A shopper calls or writes in with the reference the bot gave them ("ticket T-24F9B93E"): the colleague types it
 * here and lands in that conversation. Two tickets can share a reference (rarely): then both are listed.
 */
export function TicketFinder(props: { onOpen(conversationId: string): void }) {
  const client = useClient();
  const [reference, setReference] = useState('');
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [found, setFound] = useState<{ asked: string; tickets: Found } | null>(null);
  const [busy, setBusy] = useState(false);
  const find = async () => {
    setBusy(true);
    const asked = reference.trim();
    const result = await client
      .query(TicketsByReferenceQuery, { reference: asked }, { requestPolicy: 'network-only' })
      .toPromise();
    setBusy(false);
    if (result.error) {
      setFound(null);
      return setErrors(toFormErrors(result.error));
    }
    setErrors(noErrors);
    const tickets = result.data?.tickets ?? [];
    const only = tickets.length === 1 ? tickets[0]!.conversationId : null;
    if (only) {
      setFound(null);
      setReference('');
      props.onOpen(only);
    } else setFound({ asked, tickets });
  };
  return (
    <search className="ticket-finder" aria-label="Find a ticket">
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void find();
        }}
      >
        <Field label="Ticket reference" error={fieldError(errors, 'reference')}>
          {(a11y) => (
            <input
              {...a11y}
              className="input-sm"
              value={reference}
              onChange={(e) => setReference(e.target.value)}
              placeholder="T-24F9B93E"
              spellCheck={false}
              autoComplete="off"
            />
          )}
        </Field>
        <button type="submit" className="btn" disabled={busy}>
          Find
        </button>
      </form>
      {errors.message && (
        <div className="alert alert-error" role="alert">
          {errors.message}
        </div>
      )}
      {found && (
        <section className="ticket-finder-results" aria-label="Tickets found">
          {found.tickets.length === 0 ? (
            <p className="muted">No ticket {found.asked}.</p>
          ) : (
            <ul>
              {found.tickets.map((t) => (
                <li key={t.id}>
                  <span className="mono">{t.reference}</span> <span className="badge badge-gray">{t.status}</span>{' '}
                  {t.summary}{' '}
                  {t.conversationId ? (
                    <button type="button" className="btn btn-sm" onClick={() => props.onOpen(t.conversationId!)}>
                      Open conversation
                    </button>
                  ) : (
                    <span className="muted">(not from a chat)</span>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </search>
  );
}
