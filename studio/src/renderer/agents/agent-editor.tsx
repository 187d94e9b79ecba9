import { useState } from 'react';
import { useClient, useMutation } from 'urql';
import { type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import { useRouter, useUnsavedChanges } from '../shell/router.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { Field } from '../ui/field.js';
import { ListInput } from '../ui/list-input.js';
import { Switch } from '../ui/switch.js';
import { Tabs } from '../ui/tabs.js';
import {
  type AgentData,
  AgentQuery,
  CreateAgentMutation,
  DeleteAgentMutation,
  UpdateAgentMutation,
} from './agent-documents.js';
import { type AgentDraft, draftFromAgent, draftToInput, sameDraft } from './agent-draft.js';
import { AgentHistory } from './agent-history.js';
import { ConflictPanel } from './conflict-panel.js';
import { HandoffPicker } from './handoff-picker.js';
import { PromptPreview } from './prompt-preview.js';
import type { ToolData } from './tool-documents.js';
import { ToolPicker } from './tool-picker.js';

/**
 * Creates or edits one card. Validation is the server's: its per-field errors show beside each field.
 * Leaving with unsaved edits asks first (the router's guard).
 */
export function AgentEditor(props: {
  /** The saved card, or undefined for a new one. */
  agent?: AgentData;
  initial: AgentDraft;
  agents: readonly AgentData[];
  tools: readonly ToolData[];
  toolsLoading: boolean;
}) {
  const { navigate, setDirty } = useRouter();
  const [draft, setDraft] = useState(props.initial);
  const [saved, setSaved] = useState(props.initial);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // The saved card these edits start from: the opened one, or theirs after a reload or merge.
  const [base, setBase] = useState(props.agent);
  const [conflict, setConflict] = useState<AgentData | null>(null);
  const [side, setSide] = useState<'prompt' | 'history'>('prompt');
  const client = useClient();
  const [create, runCreate] = useMutation(CreateAgentMutation);
  const [update, runUpdate] = useMutation(UpdateAgentMutation);
  const [, runDelete] = useMutation(DeleteAgentMutation);
  const dirty = !sameDraft(draft, saved);
  useUnsavedChanges('agent-editor', dirty);

  const set = <K extends keyof AgentDraft>(key: K, value: AgentDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const err = (field: string) => fieldError(errors, `input.${field}`);

  const save = async () => {
    setNotice(null);
    const input = draftToInput(draft);
    const result = base
      ? await runUpdate({ name: base.name, input, expectedVersion: base.version })
      : await runCreate({ input });
    if (result.error) {
      if (base && result.error.graphQLErrors.some((e) => e.extensions.code === 'CONFLICT')) {
        const current = await client.query(AgentQuery, { name: base.name }, { requestPolicy: 'network-only' });
        if (current.data?.agent) return setConflict(current.data.agent);
      }
      setErrors(toFormErrors(result.error));
      return;
    }
    const card = result.data && ('createAgent' in result.data ? result.data.createAgent : result.data.updateAgent);
    setErrors(noErrors);
    setSaved(draft);
    setNotice('Saved');
    setDirty('agent-editor', false);
    if (card && card.name !== props.agent?.name) navigate(`/agents/edit/${encodeURIComponent(card.name)}`);
  };

  const remove = async () => {
    if (!props.agent) return;
    const result = await runDelete({ name: props.agent.name });
    setConfirmDelete(false);
    if (result.error) return setErrors(toFormErrors(result.error));
    setDirty('agent-editor', false);
    navigate('/agents');
  };

  const busy = create.fetching || update.fetching;
  const handoffFrom = props.agent ? props.agents.filter((a) => a.handoffs.includes(props.agent!.name)) : [];
  const takeTheirs = (theirs: AgentData, draftNow: AgentDraft) => {
    setBase(theirs);
    setSaved(draftFromAgent(theirs));
    setDraft(draftNow);
    setConflict(null);
    setErrors(noErrors);
  };
  return (
    <div className="page page-split">
      <header className="page-header">
        <div>
          <nav aria-label="Breadcrumb" className="crumbs">
            <a href="#/agents">Agents</a>
            <span aria-hidden="true">/</span>
          </nav>
          <h1>
            {props.agent ? props.agent.name : 'New agent'}
            {dirty && <span className="badge badge-amber">unsaved</span>}
            {props.agent?.builtin && <span className="badge badge-gray">built-in</span>}
          </h1>
        </div>
        <div className="actions">
          {notice && !dirty && (
            <span className="notice" role="status">
              {notice}
            </span>
          )}
          {props.agent && (
            <>
              <button
                type="button"
                className="btn"
                onClick={() => navigate(`/agents/new?from=${encodeURIComponent(props.agent!.name)}`)}
              >
                Duplicate
              </button>
              <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirmDelete(true)}>
                Delete
              </button>
            </>
          )}
          <button
            type="submit"
            form="agent-form"
            className="btn btn-primary"
            disabled={busy || (!dirty && !!props.agent)}
          >
            {busy ? 'Saving…' : props.agent ? 'Save changes' : 'Create agent'}
          </button>
        </div>
      </header>

      {conflict && (
        <ConflictPanel
          base={saved}
          mine={draft}
          theirs={conflict}
          onReload={() => takeTheirs(conflict, draftFromAgent(conflict))}
          onMerge={(merged) => takeTheirs(conflict, merged)}
        />
      )}
      <div className="split">
        <form
          id="agent-form"
          className="form scroll"
          aria-label="Agent card"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {errors.message && (
            <div className="alert alert-error" role="alert">
              {errors.message}
            </div>
          )}
          <section className="form-section">
            <h2>Card</h2>
            <div className="row">
              <Field
                label="Name"
                error={err('name')}
                hint="Letters, digits and _; starts with a letter."
                className="grow"
              >
                {(a) => (
                  <input {...a} value={draft.name} onChange={(e) => set('name', e.target.value)} autoComplete="off" />
                )}
              </Field>
              <div className="field field-switch">
                <Switch label="Enabled" showLabel checked={draft.enabled} onChange={(v) => set('enabled', v)} />
              </div>
            </div>
            <Field label="Description" error={err('description')} hint="What the planner reads to route tasks here.">
              {(a) => (
                <textarea
                  {...a}
                  rows={3}
                  value={draft.description}
                  onChange={(e) => set('description', e.target.value)}
                />
              )}
            </Field>
            <Field label="Skills" error={err('skills')} hint="Short phrases the planner matches requests against.">
              {() => (
                <ListInput
                  label="Skills"
                  items={draft.skills}
                  placeholder="e.g. warranty claims for broken products"
                  onChange={(v) => set('skills', v)}
                  itemErrors={(i) => errors.fields[`input.skills.${i}`]}
                />
              )}
            </Field>
            <Field label="Instructions" error={err('instructions')}>
              {(a) => (
                <textarea
                  {...a}
                  rows={6}
                  value={draft.instructions}
                  onChange={(e) => set('instructions', e.target.value)}
                />
              )}
            </Field>
          </section>

          <section className="form-section">
            <h2>Tools and hand-offs</h2>
            <ToolPicker
              tools={props.tools}
              loading={props.toolsLoading}
              selected={draft.tools}
              onChange={(v) => set('tools', v)}
              error={err('tools')}
            />
            <HandoffPicker
              self={props.agent?.name ?? draft.name}
              agents={props.agents}
              selected={draft.handoffs}
              onChange={(v) => set('handoffs', v)}
              error={err('handoffs')}
            />
          </section>

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
                  <input
                    {...a}
                    type="number"
                    value={draft.maxSteps}
                    onChange={(e) => set('maxSteps', e.target.value)}
                  />
                )}
              </Field>
            </div>
          </section>
        </form>

        <aside className="side-panel scroll" aria-label={side === 'prompt' ? 'Prompt preview' : 'History'}>
          {base ? (
            <>
              <Tabs<'prompt' | 'history'>
                label="Card details"
                tabs={[
                  { id: 'prompt', label: 'Prompt preview' },
                  { id: 'history', label: 'History', count: base.version },
                ]}
                selected={side}
                onSelect={setSide}
              />
              {side === 'prompt' ? (
                <PromptPreview key={`${base.name}@${base.version}`} name={base.name} stale={dirty} />
              ) : (
                <AgentHistory
                  key={`${base.name}@${base.version}`}
                  name={base.name}
                  version={base.version}
                  dirty={dirty}
                />
              )}
            </>
          ) : (
            <div className="panel-empty">
              <h2>Prompt preview</h2>
              <p className="muted">Create the card to see the exact system prompt and tool list it gets.</p>
            </div>
          )}
        </aside>
      </div>

      {confirmDelete && props.agent && (
        <ConfirmDialog
          title={`Delete ${props.agent.name}?`}
          confirmLabel="Delete agent"
          tone="danger"
          onCancel={() => setConfirmDelete(false)}
          onConfirm={() => void remove()}
        >
          The planner stops routing tasks to it. Past runs keep their history.
          {handoffFrom.length > 0 && (
            <p>
              <strong>{handoffFrom.map((a) => a.name).join(', ')}</strong> {handoffFrom.length === 1 ? 'hands' : 'hand'}{' '}
              off to it: deleting it removes {handoffFrom.length === 1 ? 'that hand-off' : 'those hand-offs'}.
            </p>
          )}
        </ConfirmDialog>
      )}
    </div>
  );
}
