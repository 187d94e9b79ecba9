import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorSummary, type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import { formatRelative } from '../lib/format.js';
import { EmptyState } from '../ui/empty-state.js';
import { Field } from '../ui/field.js';
import { Switch } from '../ui/switch.js';
import {
  RegisterWebhookEndpointMutation,
  ResendWebhookDeliveryMutation,
  UpdateWebhookEndpointMutation,
  WebhookDeliveriesQuery,
  type WebhookEndpointData,
  WebhookEndpointsQuery,
} from './webhook-documents.js';

const statusTone: Record<string, string> = { DELIVERED: 'green', FAILED: 'red', PENDING: 'blue' };

/** Webhook endpoints (admins): register one, turn it on or off, read its delivery log and send a delivery again. */
export function WebhookSettings() {
  const [{ data, error }, refetch] = useQuery({ query: WebhookEndpointsQuery });
  const [open, setOpen] = useState<string | null>(null);
  const [, update] = useMutation(UpdateWebhookEndpointMutation);
  const [updateError, setUpdateError] = useState<string | null>(null);
  if (error && !data) return <EmptyState title="Cannot load webhook endpoints">{error.message}</EmptyState>;
  const endpoints = data?.webhookEndpoints ?? [];
  const toggle = async (e: WebhookEndpointData, enabled: boolean) => {
    const result = await update({ id: e.id, input: { enabled } });
    setUpdateError(result.error ? errorSummary(toFormErrors(result.error)) : null);
  };
  return (
    <div className="settings-form">
      <section className="form-section">
        <h2>Endpoints</h2>
        {updateError && (
          <div className="alert alert-error" role="alert">
            {updateError}
          </div>
        )}
        {!endpoints.length && <p className="muted">No endpoint yet: hand-off events are not pushed anywhere.</p>}
        <ul className="rows" aria-label="Webhook endpoints">
          {endpoints.map((e) => (
            <li key={e.id}>
              <div className="row-item">
                <div className="grow">
                  <strong className="mono truncate">{e.url}</strong>{' '}
                  <span className={`badge badge-${e.enabled ? 'green' : 'red'}`}>
                    {e.enabled ? 'enabled' : 'disabled'}
                  </span>{' '}
                  <span className="badge badge-gray">{e.fullEventData ? 'full data' : 'redacted'}</span>
                  <div className="muted">
                    {e.eventTypes.length ? e.eventTypes.join(', ') : 'every event type'}
                    {e.description && ` · ${e.description}`}
                    {e.consecutiveFailures > 0 && ` · ${e.consecutiveFailures} failed in a row`}
                  </div>
                  {e.disabledReason && <p className="field-error">{e.disabledReason}</p>}
                </div>
                <Switch label={`Deliver to ${e.url}`} checked={e.enabled} onChange={(v) => void toggle(e, v)} />
                <button type="button" className="btn btn-sm" onClick={() => setOpen(open === e.id ? null : e.id)}>
                  {open === e.id ? 'Hide log' : 'Delivery log'}
                </button>
              </div>
              {open === e.id && <DeliveryLog endpointId={e.id} />}
            </li>
          ))}
        </ul>
      </section>
      <RegisterForm onRegistered={() => refetch({ requestPolicy: 'network-only' })} />
    </div>
  );
}

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const [{ data, error, fetching }, refetch] = useQuery({
    query: WebhookDeliveriesQuery,
    variables: { id: endpointId },
    requestPolicy: 'network-only',
  });
  const [, resend] = useMutation(ResendWebhookDeliveryMutation);
  const [resent, setResent] = useState<string | null>(null);
  const deliveries = data?.webhookEndpoint.deliveries ?? [];
  if (error) return <p className="field-error">{error.message}</p>;
  return (
    <section className="webhook-log" aria-label="Delivery log">
      <div className="actions">
        {resent && (
          <span className="notice" role="status">
            {resent}
          </span>
        )}
        <button
          type="button"
          className="btn btn-ghost btn-sm"
          onClick={() => refetch({ requestPolicy: 'network-only' })}
        >
          Refresh
        </button>
      </div>
      {!deliveries.length && !fetching && <p className="muted">Nothing sent yet.</p>}
      {deliveries.length > 0 && (
        <table className="table table-rows">
          <thead>
            <tr>
              <th>Event</th>
              <th>Status</th>
              <th>Attempts</th>
              <th>Last answer</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td>
                  <span className="mono">{d.eventType}</span>
                  <span className="cell-sub mono">event {d.eventId}</span>
                </td>
                <td>
                  <span className={`badge badge-${statusTone[d.status] ?? 'gray'}`}>{d.status}</span>
                </td>
                <td>{d.attempts}</td>
                <td>
                  {d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '—'}
                  {d.lastError && <span className="cell-sub">{d.lastError}</span>}
                </td>
                <td>{formatRelative(String(d.createdAt))}</td>
                <td>
                  <button
                    type="button"
                    className="btn btn-sm"
                    onClick={async () => {
                      const result = await resend({ id: d.id });
                      setResent(
                        result.error ? errorSummary(toFormErrors(result.error)) : `Event ${d.eventId} queued again`,
                      );
                      refetch({ requestPolicy: 'network-only' });
                    }}
                  >
                    Send again
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function RegisterForm({ onRegistered }: { onRegistered(): void }) {
  const empty = { url: '', description: '', eventTypes: '', fullEventData: false };
  const [draft, setDraft] = useState(empty);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [secret, setSecret] = useState<string | null>(null);
  const [state, register] = useMutation(RegisterWebhookEndpointMutation);
  const err = (f: string) => fieldError(errors, `input.${f}`);
  const submit = async () => {
    setSecret(null);
    const eventTypes = draft.eventTypes
      .split(',')
      .map((t) => t.trim().toUpperCase())
      .filter(Boolean) as never[];
    const result = await register({
      input: {
        url: draft.url,
        description: draft.description || undefined,
        eventTypes,
        fullEventData: draft.fullEventData,
      },
    });
    if (result.error) return setErrors(toFormErrors(result.error));
    setErrors(noErrors);
    setDraft(empty);
    setSecret(result.data?.registerWebhookEndpoint.secret ?? null);
    onRegistered();
  };
  return (
    <form
      className="form-section"
      aria-label="Register a webhook endpoint"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Register an endpoint</h2>
      {errors.message && (
        <div className="alert alert-error" role="alert">
          {errors.message}
        </div>
      )}
      {secret && (
        <div className="alert" role="status">
          Signing secret, shown once: <code className="mono">{secret}</code>
        </div>
      )}
      <Field
        label="URL"
        error={err('url')}
        hint="Signed by the Standard Webhooks spec (webhook-id, -timestamp, -signature)."
      >
        {(a) => (
          <input
            {...a}
            placeholder="https://helpdesk.example.com/baton"
            value={draft.url}
            onChange={(e) => setDraft({ ...draft, url: e.target.value })}
          />
        )}
      </Field>
      <div className="row">
        <Field
          label="Event types"
          error={err('eventTypes')}
          hint="Comma-separated; empty: every type."
          className="grow"
        >
          {(a) => (
            <input
              {...a}
              placeholder="HUMAN_REQUESTED, MESSAGE, RESOLVED"
              value={draft.eventTypes}
              onChange={(e) => setDraft({ ...draft, eventTypes: e.target.value })}
            />
          )}
        </Field>
        <Field label="Description" error={err('description')} className="grow">
          {(a) => (
            <input
              {...a}
              value={draft.description}
              onChange={(e) => setDraft({ ...draft, description: e.target.value })}
            />
          )}
        </Field>
      </div>
      <Switch
        label="Send full data (emails, phones, addresses unredacted)"
        showLabel
        checked={draft.fullEventData}
        onChange={(v) => setDraft({ ...draft, fullEventData: v })}
      />
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={state.fetching || !draft.url}>
          {state.fetching ? 'Registering…' : 'Register endpoint'}
        </button>
      </div>
    </form>
  );
}
