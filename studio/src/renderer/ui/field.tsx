import { type ReactNode, useId } from 'react';

/**
 * A labelled form control with its hint and server-side error. The render prop receives the ids to wire
 * `id`, `aria-describedby` and `aria-invalid`, so every input is labelled and its error is announced.
 */
export function Field(props: {
  label: string;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: (a11y: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [props.error ? errorId : null, props.hint ? hintId : null].filter(Boolean).join(' ');
  return (
    <div className={`field ${props.error ? 'field-invalid' : ''} ${props.className ?? ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.children({
        id,
        'aria-describedby': describedBy || undefined,
        'aria-invalid': props.error ? true : undefined,
      })}
      {props.error && (
        <p className="field-error" id={errorId} role="alert">
          {props.error}
        </p>
      )}
      {props.hint && !props.error && (
        <p className="field-hint" id={hintId}>
          {props.hint}
        </p>
      )}
    </div>
  );
}

/** A group of controls under one legend (checkbox lists, hours). */
export function FieldSet(props: { legend: string; error?: string; hint?: ReactNode; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset
      className={`fieldset ${props.error ? 'field-invalid' : ''}`}
      aria-describedby={props.error ? id : undefined}
    >
      <legend>{props.legend}</legend>
      {props.hint && <p className="field-hint">{props.hint}</p>}
      {props.children}
      {props.error && (
        <p className="field-error" id={id} role="alert">
          {props.error}
        </p>
      )}
    </fieldset>
  );
}
