import type { CombinedError } from '@urql/core';
import { useClient, useMutation } from 'urql';
import { type FormErrors, toFormErrors } from '../graphql/field-errors.js';
import {
  type AgentData,
  AgentDraftQuery,
  AgentQuery,
  type CardDraftData,
  CreateAgentDraftMutation,
  CreateAgentMutation,
  DiscardAgentDraftMutation,
  PublishAgentDraftMutation,
  SaveAgentDraftMutation,
  UpdateAgentMutation,
} from './agent-documents.js';
import { type AgentDraft, draftFromAgent, draftToInput } from './agent-draft.js';

/** What the editor's edits start from: the published card (if any) and its draft (if any). */
export interface CardBase {
  agent: AgentData | undefined;
  draft: CardDraftData | null;
}

/** Someone else saved first: their state, said in words, and the base the edits continue from once taken. */
export interface CardConflict {
  summary: string;
  theirs: AgentDraft;
  base: CardBase;
}

const isConflict = (error: CombinedError | undefined) =>
  !!error?.graphQLErrors.some((e) => e.extensions.code === 'CONFLICT');

/**
 * The editor's saves: save as draft (live traffic unaffected), publish (a draft, or the edits directly
 * when there is none), create, and discard the draft. Each refuses a concurrent change with a conflict
 * that carries their state, so the editor can offer reload or merge.
 */
export function useCardActions(on: {
  saved(base: CardBase, form: AgentDraft, notice: string): void;
  published(agent: AgentData): void;
  discarded(base: CardBase): void;
  conflict(c: CardConflict): void;
  failed(errors: FormErrors): void;
}) {
  const client = useClient();
  const [save, runSave] = useMutation(SaveAgentDraftMutation);
  const [createDraft, runCreateDraft] = useMutation(CreateAgentDraftMutation);
  const [publish, runPublish] = useMutation(PublishAgentDraftMutation);
  const [discard, runDiscard] = useMutation(DiscardAgentDraftMutation);
  const [update, runUpdate] = useMutation(UpdateAgentMutation);
  const [create, runCreate] = useMutation(CreateAgentMutation);

  /** Reads what the server holds now, to show it beside the edits. */
  const theirs = async (name: string): Promise<CardConflict | null> => {
    const [draft, agent] = await Promise.all([
      client.query(AgentDraftQuery, { name }, { requestPolicy: 'network-only' }).toPromise(),
      client.query(AgentQuery, { name }, { requestPolicy: 'network-only' }).toPromise(),
    ]);
    const d = draft.data?.agentDraft ?? null;
    const a = agent.data?.agent ?? undefined;
    if (d && a && d.baseVersion !== null && d.baseVersion !== a.version)
      return {
        summary: `${name} was published as v${a.version} after this draft started from v${d.baseVersion}: publishing the draft would undo that change.`,
        theirs: draftFromAgent(a),
        base: { agent: a, draft: d },
      };
    if (d)
      return {
        summary: `The draft of ${name} was saved by ${d.author} (now revision ${d.revision}) while you were editing it.`,
        theirs: draftFromAgent(d),
        base: { agent: a, draft: d },
      };
    if (a)
      return {
        summary: `${name} was saved by someone else (now v${a.version}) while you were editing it.`,
        theirs: draftFromAgent(a),
        base: { agent: a, draft: null },
      };
    return null;
  };

  const fail = async (error: CombinedError, name: string | undefined) => {
    const c = name && isConflict(error) ? await theirs(name) : null;
    if (c) on.conflict(c);
    else on.failed(toFormErrors(error));
  };

  /** Saves the edits as the card's draft; returns the saved draft, or null when it failed. */
  const saveDraft = async (base: CardBase, form: AgentDraft): Promise<CardDraftData | null> => {
    const name = base.agent?.name ?? base.draft?.name;
    if (!name) {
      const r = await runCreateDraft({ input: draftToInput(form) });
      if (r.error) {
        await fail(r.error, undefined);
        return null;
      }
      const d = r.data!.createAgentDraft;
      on.saved({ agent: undefined, draft: d }, form, 'Draft saved');
      return d;
    }
    const r = await runSave({
      name,
      input: draftToInput(form),
      expectedRevision: base.draft?.revision ?? 0,
      expectedVersion: base.draft ? undefined : base.agent?.version,
    });
    if (r.error) {
      await fail(r.error, name);
      return null;
    }
    const d = r.data!.saveAgentDraft;
    on.saved({ agent: base.agent, draft: d }, form, 'Draft saved');
    return d;
  };

  /** Makes the edits live: through the draft when there is one, else as a direct save (or a new card). */
  const publishEdits = async (base: CardBase, form: AgentDraft, dirty: boolean) => {
    if (!base.draft) {
      const r = base.agent
        ? await runUpdate({ name: base.agent.name, input: draftToInput(form), expectedVersion: base.agent.version })
        : await runCreate({ input: draftToInput(form) });
      if (r.error) return fail(r.error, base.agent?.name);
      const card = r.data && ('createAgent' in r.data ? r.data.createAgent : r.data.updateAgent);
      if (card) on.published(card);
      return;
    }
    const draft = dirty ? await saveDraft(base, form) : base.draft;
    if (!draft) return;
    // A version published after the draft started is replaced only when the designer says so.
    const live = base.agent?.version;
    const moved = live !== undefined && draft.baseVersion !== null && draft.baseVersion !== live;
    if (
      moved &&
      !window.confirm(
        `v${live} of ${draft.name} was published after this draft started from v${draft.baseVersion}. Publishing the draft replaces v${live} and undoes its changes. Publish anyway?`,
      )
    )
      return;
    const r = await runPublish({
      name: draft.name,
      expectedRevision: draft.revision,
      expectedVersion: moved ? live : undefined,
    });
    if (r.error) return fail(r.error, draft.name);
    on.published(r.data!.publishAgentDraft);
  };

  const discardDraft = async (base: CardBase) => {
    if (!base.draft) return;
    const r = await runDiscard({ name: base.draft.name, expectedRevision: base.draft.revision });
    if (r.error) return fail(r.error, base.draft.name);
    on.discarded({ agent: base.agent, draft: null });
  };

  const busy = [save, createDraft, publish, discard, update, create].some((m) => m.fetching);
  return { saveDraft, publish: publishEdits, discard: discardDraft, busy };
}
