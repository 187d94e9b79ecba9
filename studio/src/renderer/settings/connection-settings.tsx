import { useCallback, useEffect, useState } from 'react';
import type { ConnectionSummary } from '../../shared/ipc-channels.js';
import { useConnection } from '../connection/connection-context.js';
import { Field } from '../ui/field.js';

/**
 * Which server the studio talks to. In the desktop app: saved connections, keys kept by the OS (safeStorage)
 * through the preload. In a browser: this server, with an optional API key kept in the browser.
 */
export function ConnectionSettings() {
  const { desktop } = useConnection();
  return desktop ? <DesktopConnections /> : <BrowserConnection />;
}

function BrowserConnection() {
  const { connection, setBrowserApiKey } = useConnection();
  const [key, setKey] = useState(connection.apiKey ?? '');
  return (
    <form
      className="settings-form"
      aria-label="Connection"
      onSubmit={(e) => {
        e.preventDefault();
        setBrowserApiKey(key.trim() || null);
      }}
    >
      <section className="form-section">
        <h2>Server</h2>
        <p>
          This studio talks to the server that served it: <span className="mono">{connection.url}</span>
        </p>
        <Field label="API key" hint="Needed when the server runs with AUTH_MODE=keys. Kept in this browser only.">
          {(a) => (
            <input {...a} type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary">
            Use key
          </button>
          {connection.apiKey && (
            <button
              type="button"
              className="btn btn-ghost"
              onClick={() => {
                setKey('');
                setBrowserApiKey(null);
              }}
            >
              Forget key
            </button>
          )}
        </div>
      </section>
    </form>
  );
}

function DesktopConnections() {
  const api = window.baton!;
  const [list, setList] = useState<ConnectionSummary[]>([]);
  const [form, setForm] = useState({ id: undefined as string | undefined, name: '', url: '', apiKey: '' });
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(() => void window.baton?.connections.list().then(setList), []);
  useEffect(refresh, [refresh]);

  const save = async () => {
    setError(null);
    try {
      await api.connections.save({ ...form, apiKey: form.apiKey ? form.apiKey : undefined });
      setForm({ id: undefined, name: '', url: '', apiKey: '' });
      refresh();
    } catch (err) {
      setError((err as Error).message);
    }
  };

  return (
    <div className="settings-form">
      <section className="form-section">
        <h2>Servers</h2>
        <ul className="rows">
          {list.map((c) => (
            <li key={c.id} className="row-item">
              <div className="grow">
                <strong>{c.name}</strong> {c.active && <span className="badge badge-green">active</span>}
                <div className="mono muted">
                  {c.url} {c.hasApiKey ? '· key stored securely' : '· no key'}
                </div>
              </div>
              {!c.active && (
                <button type="button" className="btn" onClick={() => void api.connections.activate(c.id).then(refresh)}>
                  Connect
                </button>
              )}
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => setForm({ id: c.id, name: c.name, url: c.url, apiKey: '' })}
              >
                Edit
              </button>
              <button
                type="button"
                className="btn btn-danger-ghost"
                onClick={() => void api.connections.remove(c.id).then(setList)}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      </section>
      <form
        className="form-section"
        aria-label={form.id ? 'Edit server' : 'Add server'}
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2>{form.id ? `Edit ${form.name}` : 'Add a server'}</h2>
        {error && (
          <div className="alert alert-error" role="alert">
            {error}
          </div>
        )}
        <div className="row">
          <Field label="Name" className="grow">
            {(a) => <input {...a} value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />}
          </Field>
          <Field label="URL" className="grow">
            {(a) => (
              <input
                {...a}
                placeholder="https://baton.example.com"
                value={form.url}
                onChange={(e) => setForm({ ...form, url: e.target.value })}
              />
            )}
          </Field>
        </div>
        <Field label="API key" hint={form.id ? 'Leave empty to keep the stored key.' : 'Encrypted by the OS keychain.'}>
          {(a) => (
            <input
              {...a}
              type="password"
              autoComplete="off"
              value={form.apiKey}
              onChange={(e) => setForm({ ...form, apiKey: e.target.value })}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="btn btn-primary">
            {form.id ? 'Save server' : 'Add server'}
          </button>
        </div>
      </form>
    </div>
  );
}
