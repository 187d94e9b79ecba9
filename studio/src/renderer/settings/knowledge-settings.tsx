import { useMemo, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { BuiltinUpdatesQuery } from '../agents/agent-documents.js';
import { BuiltinUpdatesPanel } from '../agents/builtin-updates-panel.js';
import { type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import { plural } from '../lib/format.js';
import { useUnsavedChanges } from '../shell/router.js';
import { ConfirmDialog } from '../ui/confirm-dialog.js';
import { EmptyState } from '../ui/empty-state.js';
import { Field } from '../ui/field.js';
import {
  type ArticleData,
  CreateArticleMutation,
  DeleteArticleMutation,
  KnowledgeArticlesQuery,
  SearchKnowledgeQuery,
  UpdateArticleMutation,
} from './knowledge-documents.js';

/** The knowledge base: the articles search_knowledge and the KnowledgeRetriever answer from. */
export function KnowledgeSettings() {
  // An empty list carries no typename, so name it: creating the first article must refresh the list.
  const context = useMemo(() => ({ additionalTypenames: ['KnowledgeArticle'] }), []);
  const [{ data, error }, refetchArticles] = useQuery({ query: KnowledgeArticlesQuery, context });
  const [updates, refetchUpdates] = useQuery({ query: BuiltinUpdatesQuery });
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const articles = data?.knowledgeArticles ?? [];
  const article = articles.find((a) => a.id === selected);
  if (error && !data) return <EmptyState title="Cannot load the knowledge base">{error.message}</EmptyState>;
  return (
    <>
      <BuiltinUpdatesPanel
        kind="ARTICLE"
        updates={updates.data?.builtinUpdates ?? []}
        onApplied={() => {
          refetchArticles({ requestPolicy: 'network-only' });
          refetchUpdates({ requestPolicy: 'network-only' });
        }}
      />
      <div className="master-detail">
        <div className="master">
          <div className="master-head">
            <span className="muted">{plural(articles.length, 'article')}</span>
            <button type="button" className="btn btn-sm" onClick={() => setSelected('new')}>
              New article
            </button>
          </div>
          <ul className="master-list" aria-label="Articles">
            {articles.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  className="master-item"
                  aria-current={a.id === selected ? 'true' : undefined}
                  onClick={() => setSelected(a.id)}
                >
                  <span className="truncate">{a.title}</span>
                  <span className="mono muted truncate">{a.slug}</span>
                </button>
              </li>
            ))}
          </ul>
          <SearchProbe />
        </div>
        <div className="detail">
          {selected === 'new' ? (
            <ArticleForm key="new" onDone={(id) => setSelected(id)} />
          ) : article ? (
            <ArticleForm key={`${article.id}-${article.updatedAt}`} article={article} onDone={setSelected} />
          ) : (
            <EmptyState title="Pick an article">Or write a new one. Agents quote articles by title.</EmptyState>
          )}
        </div>
      </div>
    </>
  );
}

function ArticleForm({ article, onDone }: { article?: ArticleData; onDone(id: string | null): void }) {
  const initial = {
    title: article?.title ?? '',
    slug: article?.slug ?? '',
    tags: article?.tags.join(', ') ?? '',
    body: article?.body ?? '',
  };
  const [draft, setDraft] = useState(initial);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [confirm, setConfirm] = useState(false);
  const [, create] = useMutation(CreateArticleMutation);
  const [, update] = useMutation(UpdateArticleMutation);
  const [, remove] = useMutation(DeleteArticleMutation);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  useUnsavedChanges('knowledge-article', dirty);
  const err = (f: string) => fieldError(errors, `input.${f}`);

  const save = async () => {
    const input = {
      title: draft.title,
      slug: draft.slug,
      body: draft.body,
      tags: draft.tags
        .split(',')
        .map((t) => t.trim())
        .filter(Boolean),
    };
    const result = article ? await update({ id: article.id, input }) : await create({ input });
    if (result.error) return setErrors(toFormErrors(result.error));
    setErrors(noErrors);
    const saved =
      result.data &&
      ('createKnowledgeArticle' in result.data
        ? result.data.createKnowledgeArticle
        : result.data.updateKnowledgeArticle);
    onDone(saved?.id ?? null);
  };

  return (
    <form
      className="settings-form"
      aria-label={article ? `Edit ${article.title}` : 'New article'}
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
      <div className="row">
        <Field label="Title" error={err('title')} className="grow">
          {(a) => <input {...a} value={draft.title} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />}
        </Field>
        <Field label="Slug" error={err('slug')} hint="lower-case-words-with-hyphens" className="grow">
          {(a) => <input {...a} value={draft.slug} onChange={(e) => setDraft({ ...draft, slug: e.target.value })} />}
        </Field>
      </div>
      <Field label="Tags" error={err('tags')} hint="Comma-separated; they help search.">
        {(a) => <input {...a} value={draft.tags} onChange={(e) => setDraft({ ...draft, tags: e.target.value })} />}
      </Field>
      <Field label="Body" error={err('body')}>
        {(a) => (
          <textarea
            {...a}
            rows={12}
            value={draft.body}
            onChange={(e) => setDraft({ ...draft, body: e.target.value })}
          />
        )}
      </Field>
      <div className="actions">
        <button type="submit" className="btn btn-primary" disabled={!dirty}>
          {article ? 'Save article' : 'Create article'}
        </button>
        {article && (
          <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirm(true)}>
            Delete
          </button>
        )}
      </div>
      {confirm && article && (
        <ConfirmDialog
          title={`Delete “${article.title}”?`}
          confirmLabel="Delete article"
          tone="danger"
          onCancel={() => setConfirm(false)}
          onConfirm={async () => {
            const result = await remove({ id: article.id });
            setConfirm(false);
            if (result.error) setErrors(toFormErrors(result.error));
            else onDone(null);
          }}
        >
          Agents will no longer find it.
        </ConfirmDialog>
      )}
    </form>
  );
}

/** Tries a shopper's question against the knowledge base, as the retriever would. */
function SearchProbe() {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [{ data }] = useQuery({ query: SearchKnowledgeQuery, variables: { query }, pause: !query });
  return (
    <form
      className="probe"
      onSubmit={(e) => {
        e.preventDefault();
        setQuery(text.trim());
      }}
    >
      <label htmlFor="kb-probe">Try a question</label>
      <div className="list-input-add">
        <input
          id="kb-probe"
          value={text}
          placeholder="can I return opened items?"
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit" className="btn">
          Search
        </button>
      </div>
      {data && (
        <ol className="plain-list">
          {data.searchKnowledge.map((h) => (
            <li key={h.id}>
              {h.title} <span className="mono muted">{h.score.toFixed(2)}</span>
            </li>
          ))}
          {data.searchKnowledge.length === 0 && <li className="muted">No match.</li>}
        </ol>
      )}
    </form>
  );
}
