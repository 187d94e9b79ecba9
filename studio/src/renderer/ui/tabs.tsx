import { type KeyboardEvent, useId } from 'react';

/** WAI-ARIA tabs: arrow keys move between tabs, the selected tab is the one in the tab order. */
export function Tabs<T extends string>(props: {
  label: string;
  tabs: readonly { id: T; label: string; count?: number }[];
  selected: T;
  onSelect(id: T): void;
}) {
  const base = useId();
  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>) => {
    const i = props.tabs.findIndex((t) => t.id === props.selected);
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % props.tabs.length
        : e.key === 'ArrowLeft'
          ? i - 1
          : e.key === 'Home'
            ? 0
            : null;
    if (next === null) return;
    e.preventDefault();
    const tab = props.tabs.at(next)!;
    props.onSelect(tab.id);
    document.getElementById(`${base}-${tab.id}`)?.focus();
  };
  return (
    <div className="tabs" role="tablist" aria-label={props.label}>
      {props.tabs.map((t) => (
        <button
          key={t.id}
          id={`${base}-${t.id}`}
          type="button"
          role="tab"
          className="tab"
          aria-selected={t.id === props.selected}
          tabIndex={t.id === props.selected ? 0 : -1}
          onClick={() => props.onSelect(t.id)}
          onKeyDown={onKeyDown}
        >
          {t.label}
          {t.count !== undefined && <span className="tab-count">{t.count}</span>}
        </button>
      ))}
    </div>
  );
}
