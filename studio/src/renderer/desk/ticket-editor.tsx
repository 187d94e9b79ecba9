import { useEffect, useState } from 'react';
import { useMutation } from 'urql';
import { type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import { Field } from '../ui/field.js';
import { UpdateTicketMutation } from './desk-documents.js';

type Status = 'open' | 'pending' | 'closed';
type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface TicketView {
  id: string;
  /** What the shopper was told ("T-24F9B93E"). */
  reference: string;
  status: Status;
  priority: Priority;
  summary: string;
  assignee: string | null;
  internalNote: string | null;
}

const draftOf = (t: TicketView) => ({
  status: t.status,
  priority: t.priority,
  assignee: t.assignee ?? '',
  internalNote: t.internalNote ?? '',
});

/** The hand-off's ticket, editable by the colleague: status, priority, assignee and a note for colleagues only. */
export function TicketEditor(props: { ticket: TicketView; onSaved(): void }) {
  const [saved, setSaved] = useState(() => draftOf(props.ticket));
  const [draft, setDraft] = useState(saved);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [notice, setNotice] = useState<string | null>(null);
  const [state, update] = useMutation(UpdateTicketMutation);
  const dirty = JSON.stringify(draft) !== JSON.stringify(saved);
  // The ticket changed elsewhere (a claim assigns it, a resolve closes it): follow it unless this form has
  // unsaved edits. Not a remount, so the "Ticket saved" notice outlives the refetch that follows a save.
  const server = JSON.stringify(draftOf(props.ticket));
  // biome-ignore lint/correctness/useExhaustiveDependencies: follow the server's copy, keyed by its content
  useEffect(() => {
    const next = JSON.parse(server) as typeof saved;
    if (!dirty) setDraft(next);
    setSaved(next);
  }, [server]);
  const err = (f: string) => fieldError(errors, `input.${f}`);
  const save = async () => {
    setNotice(null);
    const result = await update({
      id: props.ticket.id,
      input: {
        status: draft.status,
        priority: draft.priority,
        assignee: draft.assignee.trim() || null,
        internalNote: draft.internalNote.trim() || null,
      },
    });
    if (result.error) return setErrors(toFormErrors(result.error));
    setErrors(noErrors);
    if (result.data) {
      const next = draftOf(result.data.updateTicket as TicketView);
      setSaved(next);
      setDraft(next);
    }
    setNotice('Ticket saved');
    props.onSaved();
  };
  return (
    <form
      className="desk-ticket"
      aria-label="Ticket"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p className="desk-ticket-reference mono">{props.ticket.reference}</p>
      <p>{props.ticket.summary}</p>
      {errors.message && (
        <div className="alert alert-error" role="alert">
          {errors.message}
        </div>
      )}
      <div className="row">
        <Field label="Status" error={err('status')} className="grow">
          {(a) => (
            <select
              {...a}
              value={draft.status}
              onChange={(e) => setDraft({ ...draft, status: e.target.value as Status })}
            >
              <option value="open">open</option>
              <option value="pending">pending</option>
              <option value="closed">closed</option>
            </select>
          )}
        </Field>
        <Field label="Priority" error={err('priority')} className="grow">
          {(a) => (
            <select
              {...a}
              value={draft.priority}
              onChange={(e) => setDraft({ ...draft, priority: e.target.value as Priority })}
            >
              <option value="low">low</option>
              <option value="normal">normal</option>
              <option value="high">high</option>
              <option value="urgent">urgent</option>
            </select>
          )}
        </Field>
      </div>
      <Field label="Assignee" error={err('assignee')}>
        {(a) => (
          <input {...a} value={draft.assignee} onChange={(e) => setDraft({ ...draft, assignee: e.target.value })} />
        )}
      </Field>
      <Field label="Internal note" error={err('internalNote')} hint="For colleagues only; never shown to the shopper.">
        {(a) => (
          <textarea
            {...a}
            rows={3}
            value={draft.internalNote}
            onChange={(e) => setDraft({ ...draft, internalNote: e.target.value })}
          />
        )}
      </Field>
      <div className="actions">
        {notice && !dirty && (
          <span className="notice" role="status">
            {notice}
          </span>
        )}
        <button type="submit" className="btn btn-primary btn-sm" disabled={!dirty || state.fetching}>
          {state.fetching ? 'Saving…' : 'Save ticket'}
        </button>
      </div>
    </form>
  );
}
