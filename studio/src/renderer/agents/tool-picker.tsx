import { useMemo, useState } from 'react';
import { FieldSet } from '../ui/field.js';
import type { ToolData } from './tool-documents.js';

/**
 * Picks a card's tools from the live `tools` query, grouped by MCP server, with a filter. Tools on the card
 * that no server offers any more stay listed (marked), so saving never drops them silently.
 */
export function ToolPicker(props: {
  tools: readonly ToolData[];
  selected: string[];
  onChange(tools: string[]): void;
  error?: string;
  loading?: boolean;
}) {
  const [filter, setFilter] = useState('');
  const groups = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const known = new Set(props.tools.map((t) => t.name));
    const all = [
      ...props.tools,
      ...props.selected
        .filter((n) => !known.has(n))
        .map((name) => ({
          name,
          server: name.split('.')[0] ?? '',
          description: 'Not offered by any connected server',
        })),
    ];
    const map = new Map<string, ToolData[]>();
    for (const t of all) {
      if (q && !t.name.toLowerCase().includes(q) && !t.description.toLowerCase().includes(q)) continue;
      map.set(t.server, [...(map.get(t.server) ?? []), t]);
    }
    return [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [props.tools, props.selected, filter]);

  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.selected, name] : props.selected.filter((n) => n !== name));

  return (
    <FieldSet legend={`Tools (${props.selected.length} selected)`} error={props.error}>
      <input
        type="search"
        className="picker-filter"
        placeholder="Filter tools"
        aria-label="Filter tools"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      {props.loading && <p className="muted">Loading tools…</p>}
      {!props.loading && groups.length === 0 && <p className="muted">No tools match.</p>}
      <div className="picker-groups">
        {groups.map(([server, tools]) => (
          <div key={server} className="picker-group">
            <div className="picker-group-title">
              <span className="mono">{server}</span>
              <span className="muted">
                {tools.filter((t) => props.selected.includes(t.name)).length}/{tools.length}
              </span>
            </div>
            {tools.map((t) => (
              <label key={t.name} className="check-row">
                <input
                  type="checkbox"
                  checked={props.selected.includes(t.name)}
                  onChange={(e) => toggle(t.name, e.target.checked)}
                />
                <span className="check-text">
                  <span className="mono">{t.name.slice(server.length + 1) || t.name}</span>
                  <span className="check-desc">{t.description}</span>
                </span>
              </label>
            ))}
          </div>
        ))}
      </div>
    </FieldSet>
  );
}
