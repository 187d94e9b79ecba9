import { useId, useState } from 'react';

/**
 * Edits a list of short strings (skills, scenarios): one row per item, removable, and an input that adds
 * on Enter. Errors can point at one item (`input.skills.2`).
 */
export function ListInput(props: {
  label: string;
  items: string[];
  onChange(items: string[]): void;
  placeholder?: string;
  itemErrors?: (index: number) => string | undefined;
}) {
  const [draft, setDraft] = useState('');
  const id = useId();
  const add = () => {
    const value = draft.trim();
    if (!value) return;
    props.onChange([...props.items, value]);
    setDraft('');
  };
  return (
    <div className="list-input">
      {props.items.length > 0 && (
        <ul aria-label={props.label}>
          {props.items.map((item, i) => {
            const error = props.itemErrors?.(i);
            return (
              // biome-ignore lint/suspicious/noArrayIndexKey: items may repeat while edited; position is identity
              <li key={i} className={error ? 'invalid' : undefined}>
                <input
                  aria-label={`${props.label} ${i + 1}`}
                  value={item}
                  aria-invalid={error ? true : undefined}
                  onChange={(e) => props.onChange(props.items.map((x, j) => (j === i ? e.target.value : x)))}
                />
                <button
                  type="button"
                  className="btn btn-ghost btn-icon"
                  aria-label={`Remove ${item || `item ${i + 1}`}`}
                  onClick={() => props.onChange(props.items.filter((_, j) => j !== i))}
                >
                  ×
                </button>
                {error && <span className="field-error">{error}</span>}
              </li>
            );
          })}
        </ul>
      )}
      <div className="list-input-add">
        <input
          id={id}
          aria-label={`Add to ${props.label}`}
          placeholder={props.placeholder}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              add();
            }
          }}
        />
        <button type="button" className="btn" onClick={add} disabled={!draft.trim()}>
          Add
        </button>
      </div>
    </div>
  );
}
