import { useState } from 'react';
import { useMutation } from 'urql';
import { type FormErrors, fieldError, noErrors } from '../graphql/field-errors.js';
import { useRouter, useUnsavedChanges } from '../shell/router.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { Field } from '../ui/field.js';
import { ListInput } from '../ui/list-input.js';
import { Switch } from '../ui/switch.js';
import { Tabs } from '../ui/tabs.js';
import { type AgentData, type CardDraftData, DeleteAgentMutation } from './agent-documents.js';
import { type AgentDraft, draftFromAgent, sameDraft } from './agent-draft.js';
import { AgentHistory } from './agent-history.js';
import { CardStateBadge, cardStateNote } from './card-state-badge.js';
import { ConflictPanel } from './conflict-panel.js';
import { HandoffPicker } from './handoff-picker.js';
import { ModelFields } from './model-fields.js';
import { PromptPreview } from './prompt-preview.js';
import type { ToolData } from './tool-documents.js';
import { ToolPicker } from './tool-picker.js';
import { type CardBase, type CardConflict, useCardActions } from './use-card-actions.js';

/**
 * Creates or edits one card. Edits are saved as the card's draft (live traffic keeps the published
 * card) or published; a card with a draft opens on the draft. Validation is the server's: its
 * per-field errors show beside each field. Leaving with unsaved edits asks first (the router's guard).
 */
export function AgentEditor(props: {
  /** The published card, or undefined for a new one (or one that exists only as a draft). */
  agent?: AgentData;
  /** A card that exists only as a draft. */
  cardDraft?: CardDraftData;
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
  // What these edits start from: the opened card and draft, or theirs after a reload or merge.
  const [base, setBase] = useState<CardBase>({
    agent: props.agent,
    draft: props.agent?.draft ?? props.cardDraft ?? null,
  });
  const [conflict, setConflict] = useState<CardConflict | null>(null);
  const [side, setSide] = useState<'prompt' | 'history'>('prompt');
  const [, runDelete] = useMutation(DeleteAgentMutation);
  const dirty = !sameDraft(draft, saved);
  useUnsavedChanges('agent-editor', dirty);
  // A version published elsewhere that the cards list picked up (a rollback in the history): taken when
  // nothing is unsaved. This editor's own publish already is its base, so the form stays as it is.
  const [seenVersion, setSeenVersion] = useState(props.agent?.version);
  if (props.agent && props.agent.version !== seenVersion) {
    setSeenVersion(props.agent.version);
    if (!dirty && props.agent.version !== base.agent?.version) {
      const theirs = draftFromAgent(props.agent.draft ?? props.agent);
      setBase({ agent: props.agent, draft: props.agent.draft ?? null });
      setSaved(theirs);
      setDraft(theirs);
    }
  }

  const set = <K extends keyof AgentDraft>(key: K, value: AgentDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const err = (field: string) => fieldError(errors, `input.${field}`);
  const name = base.agent?.name ?? base.draft?.name;

  const settle = (notice: string) => {
    setErrors(noErrors);
    setNotice(notice);
    setDirty('agent-editor', false);
  };
  const actions = useCardActions({
    saved: (next, form, message) => {
      setBase(next);
      setSaved(form);
      settle(message);
      if (!name && next.draft) navigate(`/agents/edit/${encodeURIComponent(next.draft.name)}`);
    },
    published: (card) => {
      setBase({ agent: card, draft: null });
      setSaved(draft);
      settle('Published');
      if (card.name !== props.agent?.name) navigate(`/agents/edit/${encodeURIComponent(card.name)}`);
    },
    discarded: (next) => {
      settle('Draft discarded');
      if (!next.agent) return navigate('/agents');
      setBase(next);
      setSaved(draftFromAgent(next.agent));
      setDraft(draftFromAgent(next.agent));
    },
    conflict: setConflict,
    failed: setErrors,
  });

  const remove = async () => {
    if (!props.agent) return;
    const result = await runDelete({ name: props.agent.name });
    setConfirmDelete(false);
    if (result.error) return setErrors({ fields: {}, message: result.error.message });
    setDirty('agent-editor', false);
    navigate('/agents');
  };

  const handoffFrom = props.agent ? props.agents.filter((a) => a.handoffs.includes(props.agent!.name)) : [];
  const takeTheirs = (c: CardConflict, form: AgentDraft) => {
    setBase(c.base);
    setSaved(c.theirs);
    setDraft(form);
    setConflict(null);
    setErrors(noErrors);
  };
  const busy = actions.busy;
  return (
    <div className="page page-split">
      <header className="page-header">
        <div>
          <nav aria-label="Breadcrumb" className="crumbs">
            <a href="#/agents">Agents</a>
            <span aria-hidden="true">/</span>
          </nav>
          <h1>
            {name ?? 'New agent'}
            <CardStateBadge agent={base.agent} draft={base.draft} />
            {dirty && <span className="badge badge-amber">unsaved</span>}
            {props.agent?.builtin && <span className="badge badge-gray">built-in</span>}
          </h1>
          {cardStateNote(base.agent, base.draft) && <p className="subtitle">{cardStateNote(base.agent, base.draft)}</p>}
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
          {base.draft && (
            <button
              type="button"
              className="btn btn-danger-ghost"
              disabled={busy}
              onClick={() => void actions.discard(base)}
            >
              Discard draft
            </button>
          )}
          <button
            type="button"
            className="btn"
            disabled={busy || (!dirty && !!name)}
            title="Live traffic keeps the published card"
            onClick={() => void actions.saveDraft(base, draft)}
          >
            {name ? 'Save draft' : 'Save as draft'}
          </button>
          <button
            type="submit"
            form="agent-form"
            className="btn btn-primary"
            disabled={busy || (!dirty && !base.draft && !!name)}
          >
            {busy ? 'Saving…' : name ? 'Publish' : 'Create agent'}
          </button>
        </div>
      </header>

      {conflict && (
        <ConflictPanel
          base={saved}
          mine={draft}
          theirs={conflict.theirs}
          summary={conflict.summary}
          onReload={() => takeTheirs(conflict, conflict.theirs)}
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
            void actions.publish(base, draft, dirty);
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

          <ModelFields draft={draft} set={set} err={err} />
        </form>

        <aside className="side-panel scroll" aria-label={side === 'prompt' ? 'Prompt preview' : 'History'}>
          {base.agent ? (
            <>
              <Tabs<'prompt' | 'history'>
                label="Card details"
                tabs={[
                  { id: 'prompt', label: 'Prompt preview' },
                  { id: 'history', label: 'History', count: base.agent.version },
                ]}
                selected={side}
                onSelect={setSide}
              />
              {side === 'prompt' ? (
                <PromptPreview
                  key={`${base.agent.name}@${base.agent.version}.${base.draft?.revision ?? 0}`}
                  name={base.agent.name}
                  draft={!!base.draft}
                  stale={dirty}
                />
              ) : (
                <AgentHistory
                  key={`${base.agent.name}@${base.agent.version}.${base.draft?.revision ?? 0}`}
                  name={base.agent.name}
                  version={base.agent.version}
                  dirty={dirty}
                />
              )}
            </>
          ) : base.draft ? (
            <PromptPreview
              key={`${base.draft.name}.${base.draft.revision}`}
              name={base.draft.name}
              draft
              stale={dirty}
            />
          ) : (
            <div className="panel-empty">
              <h2>Prompt preview</h2>
              <p className="muted">
                Save the card (as a draft, or create it) to see the exact system prompt and tool list it gets.
              </p>
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
          {props.agent.builtin && (
            <p>
              It is a built-in card: it stays deleted, and upgrades do not bring it back. To pause it, disable it
              instead.
            </p>
          )}
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
