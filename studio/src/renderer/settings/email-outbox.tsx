import { useQuery } from 'urql';
import { graphql } from '../graphql/graphql.js';
import { formatClock } from '../lib/format.js';
import { EmptyState } from '../ui/empty-state.js';

const EmailOutboxQuery = graphql(`
  query EmailOutbox {
    emailOutbox(first: 50) {
      id
      to
      subject
      text
      createdAt
    }
  }
`);

/** Mails the server kept instead of sending (no SMTP_URL): verification codes, in development. */
export function EmailOutbox() {
  const [{ data, error }, refresh] = useQuery({ query: EmailOutboxQuery, requestPolicy: 'network-only' });
  if (error) return <EmptyState title="Cannot load the outbox">{error.message}</EmptyState>;
  if (!data) return <EmptyState title="Loading…" />;
  if (data.emailOutbox === null)
    return (
      <EmptyState title="Mail goes out over SMTP">
        This server sends mail through SMTP_URL, so it keeps no outbox.
      </EmptyState>
    );
  return (
    <section className="form-section" aria-label="Email outbox">
      <h2>Email outbox</h2>
      <p className="muted">
        No SMTP_URL is configured, so mails (verification codes) are kept here instead of sent. Configure SMTP before
        real shoppers use the chat.{' '}
        <button type="button" className="btn btn-ghost" onClick={() => refresh({ requestPolicy: 'network-only' })}>
          Refresh
        </button>
      </p>
      {data.emailOutbox.length === 0 ? (
        <EmptyState title="No mail yet" />
      ) : (
        <ul className="outbox">
          {data.emailOutbox.map((m) => (
            <li key={m.id}>
              <div>
                <strong>{m.subject}</strong> <span className="muted">to {m.to}</span>{' '}
                <span className="muted">{formatClock(m.createdAt)}</span>
              </div>
              <pre>{m.text}</pre>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
