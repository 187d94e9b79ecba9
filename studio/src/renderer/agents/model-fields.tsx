import { Field } from '../ui/field.js';
import type { AgentDraft } from './agent-draft.js';

/** The card's model settings (provider, model, temperature, timeout) and its step limit; empty means the server default. */
export function ModelFields({
  draft,
  set,
  err,
}: {
  draft: AgentDraft;
  set<K extends keyof AgentDraft>(key: K, value: AgentDraft[K]): void;
  err(field: string): string | undefined;
}) {
  return (
    <section className="form-section">
      <h2>Model</h2>
      <div className="row">
        <Field label="Provider" error={err('model.provider')} className="grow">
          {(a) => (
            <select {...a} value={draft.provider} onChange={(e) => set('provider', e.target.value)}>
              <option value="">Server default</option>
              <option value="offline">offline</option>
              <option value="openai">openai</option>
            </select>
          )}
        </Field>
        <Field label="Model" error={err('model.model')} className="grow">
          {(a) => (
            <input
              {...a}
              placeholder="Server default"
              value={draft.model}
              onChange={(e) => set('model', e.target.value)}
            />
          )}
        </Field>
      </div>
      <div className="row">
        <Field label="Temperature" error={err('model.temperature')} className="grow">
          {(a) => (
            <input
              {...a}
              type="number"
              step="0.1"
              placeholder="Default"
              value={draft.temperature}
              onChange={(e) => set('temperature', e.target.value)}
            />
          )}
        </Field>
        <Field label="Timeout (ms)" error={err('model.timeoutMs')} className="grow">
          {(a) => (
            <input
              {...a}
              type="number"
              placeholder="Default"
              value={draft.timeoutMs}
              onChange={(e) => set('timeoutMs', e.target.value)}
            />
          )}
        </Field>
        <Field label="Max steps" error={err('maxSteps')} className="grow">
          {(a) => (
            <input {...a} type="number" value={draft.maxSteps} onChange={(e) => set('maxSteps', e.target.value)} />
          )}
        </Field>
      </div>
    </section>
  );
}
