import { useEffect, useRef, useState } from 'react';
import { useMutation } from 'urql';
import { type FormErrors, fieldError, noErrors, toFormErrors } from '../graphql/field-errors.js';
import type { StudioEvent } from '../lib/baton-event.js';
import { Field } from '../ui/field.js';
import { SendVerificationCodeMutation } from './desk-documents.js';

/** Where verification stands, from the conversation's IDENTITY events: the last claim, and a refused code after it. */
export function identityNote(events: readonly StudioEvent[]): string | null {
  const last = events.findLast((e) => e.type === 'IDENTITY');
  if (last?.type !== 'IDENTITY') return null;
  const { codeRefused, claim } = last.data;
  if (codeRefused)
    return codeRefused.reason === 'wrong'
      ? `The shopper typed a wrong code (${codeRefused.triesLeft} ${codeRefused.triesLeft === 1 ? 'try' : 'tries'} left).`
      : `The shopper typed a code that is ${codeRefused.reason}.`;
  if (last.data.level !== 'claimed' || !claim) return null;
  const who = 'email' in claim ? claim.email : `${claim.firstName} ${claim.lastName}, ${claim.zip}`;
  return `Claimed: ${who}. Not verified until the shopper types the code.`;
}

/**
 * The owner of a conversation nobody is verified in sends the shopper a one-time code: to the address on the
 * account the shopper names, never to one typed here. The shopper types it into the chat; the colleague never sees
 * it, and the answer does not say whether the account exists.
 */
export function VerifyShopper(props: {
  conversationId: string;
  as: string | undefined;
  events: readonly StudioEvent[];
  /** The email the hand-off's ticket holds (given in the chat, unverified). */
  email: string | null | undefined;
}) {
  const [, sendCode] = useMutation(SendVerificationCodeMutation);
  const [byName, setByName] = useState(false);
  const [email, setEmail] = useState(props.email ?? '');
  // The ticket (and the email it holds) may arrive after the form: offered then, unless something was typed.
  const offered = useRef(props.email ?? '');
  useEffect(() => {
    if (props.email && email === offered.current) setEmail(props.email);
    offered.current = props.email ?? '';
  }, [props.email, email]);
  const [name, setName] = useState({ firstName: '', lastName: '', zip: '' });
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const [sending, setSending] = useState(false);
  const note = identityNote(props.events);
  const err = (field: string) => fieldError(errors, field);

  const send = async () => {
    setErrors(noErrors);
    setSending(true);
    const claim = byName ? name : { email };
    const result = await sendCode({ id: props.conversationId, as: props.as, ...claim });
    setSending(false);
    if (result.error) setErrors(toFormErrors(result.error));
  };

  return (
    <form
      className="desk-verify"
      aria-label="Verify the shopper"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <div className="panel-title">Verify the shopper</div>
      <p className="muted">
        Ask for the email on their account (or their name and zip code). A code goes to that account's own address; the
        shopper types it in the chat.
      </p>
      {note && (
        <p className="notice" role="status">
          {note}
        </p>
      )}
      {(errors.message || err('as')) && (
        <div className="alert alert-error" role="alert">
          {errors.message ?? `Your name: ${err('as')}`}
        </div>
      )}
      {byName ? (
        <div className="row">
          {(['firstName', 'lastName', 'zip'] as const).map((field) => (
            <Field
              key={field}
              label={{ firstName: 'First name', lastName: 'Last name', zip: 'Zip code' }[field]}
              error={err(field)}
              className="grow"
            >
              {(a) => (
                <input {...a} value={name[field]} onChange={(e) => setName({ ...name, [field]: e.target.value })} />
              )}
            </Field>
          ))}
        </div>
      ) : (
        <Field label="Email on the account" error={err('email')}>
          {(a) => <input {...a} type="email" value={email} onChange={(e) => setEmail(e.target.value)} />}
        </Field>
      )}
      <div className="actions">
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setByName(!byName)}>
          {byName ? 'Use an email instead' : 'Use name and zip instead'}
        </button>
        <button type="submit" className="btn btn-primary btn-sm" disabled={sending}>
          {sending ? 'Sending…' : 'Email a code'}
        </button>
      </div>
    </form>
  );
}
