import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorSummary, type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import { graphql } from '../graphql/graphql.js';
import { plural } from '../lib/format.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { EmptyState } from '../ui/empty-state.js';
import { Field } from '../ui/field.js';

const McpServersQuery = graphql(`
  query McpServers {
    mcpServers {
      name
      transport
      status
      error
      builtIn
      enabled
      url
      command
      args
      tools {
        name
        tool
        description
        readOnly
      }
    }
  }
`);

const RegisterMcpServerMutation = graphql(`
  mutation RegisterMcpServer($input: RegisterMcpServerInput!) {
    registerMcpServer(input: $input) {
      name
      status
    }
  }
`);

const RemoveMcpServerMutation = graphql(`
  mutation RemoveMcpServer($name: String!) {
    removeMcpServer(name: $name) {
      name
    }
  }
`);

const statusTone: Record<string, string> = { connected: 'green', error: 'red', connecting: 'blue' };

/** MCP servers: the built-in store and any registered ones, their status and tools; register and remove. */
export function McpServerSettings() {
  const [{ data, error }, refetch] = useQuery({ query: McpServersQuery });
  const [removing, setRemoving] = useState<string | null>(null);
  const [removeState, remove] = useMutation(RemoveMcpServerMutation);
  if (error && !data) return <EmptyState title="Cannot load MCP servers">{error.message}</EmptyState>;
  return (
    <div className="settings-form">
      <section className="form-section">
        <h2>Servers</h2>
        {removeState.error && (
          <div className="alert alert-error" role="alert">
            {errorSummary(toFormErrors(removeState.error))}
          </div>
        )}
        <ul className="rows" aria-label="MCP servers">
          {(data?.mcpServers ?? []).map((s) => (
            <li key={s.name} className="mcp-server">
              <div className="row-item">
                <div className="grow">
                  <strong className="mono">{s.name}</strong>{' '}
                  <span className={`badge badge-${statusTone[s.status] ?? 'gray'}`}>{s.status}</span>{' '}
                  <span className="badge badge-gray">{s.transport.toLowerCase().replace('_', '-')}</span>
                  {s.builtIn && <span className="badge badge-gray">built-in</span>}
                  <div className="mono muted truncate">
                    {s.url ?? [s.command, ...(s.args ?? [])].filter(Boolean).join(' ')}
                  </div>
                  {s.error && <p className="field-error">{s.error}</p>}
                </div>
                {!s.builtIn && (
                  <button type="button" className="btn btn-danger-ghost" onClick={() => setRemoving(s.name)}>
                    Remove
                  </button>
                )}
              </div>
              <details className="mcp-tools">
                <summary>{plural(s.tools.length, 'tool')}</summary>
                <ul>
                  {s.tools.map((t) => (
                    <li key={t.name}>
                      <span className="mono">{t.tool}</span>
                      <span>{!t.readOnly && <span className="badge badge-amber">writes</span>}</span>
                      <span className="check-desc">{t.description}</span>
                    </li>
                  ))}
                </ul>
              </details>
            </li>
          ))}
        </ul>
      </section>
      <RegisterForm onRegistered={() => refetch({ requestPolicy: 'network-only' })} />
      {removing && (
        <ConfirmDialog
          title={`Remove ${removing}?`}
          confirmLabel="Remove server"
          tone="danger"
          onCancel={() => setRemoving(null)}
          onConfirm={async () => {
            await remove({ name: removing });
            setRemoving(null);
            refetch({ requestPolicy: 'network-only' });
          }}
        >
          Its tools disappear from every agent that uses them.
        </ConfirmDialog>
      )}
    </div>
  );
}

function RegisterForm({ onRegistered }: { onRegistered(): void }) {
  const empty = { name: '', transport: 'http' as 'http' | 'stdio', url: '', command: '', args: '', secrets: '' };
  const [draft, setDraft] = useState(empty);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [state, register] = useMutation(RegisterMcpServerMutation);
  const err = (f: string) => fieldError(errors, `input.${f}`);
  const submit = async () => {
    let secrets: unknown;
    try {
      secrets = draft.secrets.trim() ? JSON.parse(draft.secrets) : undefined;
    } catch {
      return setErrors({ fields: { 'input.secrets': 'Not valid JSON' }, message: null });
    }
    const input =
      draft.transport === 'http'
        ? { name: draft.name, transport: draft.transport, url: draft.url, headers: secrets }
        : {
            name: draft.name,
            transport: draft.transport,
            command: draft.command,
            args: draft.args.split(' ').filter(Boolean),
            env: secrets,
          };
    const result = await register({ input });
    if (result.error) return setErrors(toFormErrors(result.error));
    setErrors(noErrors);
    setDraft(empty);
    onRegistered();
  };
  return (
    <form
      className="form-section"
      aria-label="Register an MCP server"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Register a server</h2>
      {errors.message && (
        <div className="alert alert-error" role="alert">
          {errors.message}
        </div>
      )}
      <div className="row">
        <Field label="Name" error={err('name')} hint="Becomes the tools' prefix: name.tool" className="grow">
          {(a) => <input {...a} value={draft.name} onChange={(e) => setDraft({ ...draft, name: e.target.value })} />}
        </Field>
        <Field label="Transport" error={err('transport')}>
          {(a) => (
            <select
              {...a}
              value={draft.transport}
              onChange={(e) => setDraft({ ...draft, transport: e.target.value as 'http' | 'stdio' })}
            >
              <option value="http">Streamable HTTP</option>
              <option value="stdio">stdio command</option>
            </select>
          )}
        </Field>
      </div>
      {draft.transport === 'http' ? (
        <Field label="URL" error={err('url')}>
          {(a) => (
            <input
              {...a}
              placeholder="https://mcp.example.com/mcp"
              value={draft.url}
              onChange={(e) => setDraft({ ...draft, url: e.target.value })}
            />
          )}
        </Field>
      ) : (
        <div className="row">
          <Field label="Command" error={err('command')} className="grow">
            {(a) => (
              <input
                {...a}
                placeholder="npx"
                value={draft.command}
                onChange={(e) => setDraft({ ...draft, command: e.target.value })}
              />
            )}
          </Field>
          <Field label="Arguments" error={err('args')} className="grow">
            {(a) => (
              <input
                {...a}
                placeholder="-y @acme/mcp-server"
                value={draft.args}
                onChange={(e) => setDraft({ ...draft, args: e.target.value })}
              />
            )}
          </Field>
        </div>
      )}
      <Field
        label={draft.transport === 'http' ? 'Headers (JSON)' : 'Environment (JSON)'}
        error={err('secrets') ?? err(draft.transport === 'http' ? 'headers' : 'env')}
        hint="Optional. Stored on the server and never shown again."
      >
        {(a) => (
          <textarea
            {...a}
            rows={2}
            className="mono"
            placeholder={draft.transport === 'http' ? '{"authorization": "Bearer …"}' : '{"API_KEY": "…"}'}
            value={draft.secrets}
            onChange={(e) => setDraft({ ...draft, secrets: e.target.value })}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={state.fetching || !draft.name}>
          {state.fetching ? 'Connecting…' : 'Register server'}
        </button>
      </div>
    </form>
  );
}
