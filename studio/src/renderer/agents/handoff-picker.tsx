import { FieldSet } from '../ui/field.js';
import type { AgentData } from './agent-documents.js';

/** Hand-off targets, picked from the other cards. */
export function HandoffPicker(props: {
  self: string;
  agents: readonly AgentData[];
  selected: string[];
  onChange(handoffs: string[]): void;
  error?: string;
}) {
  const others = props.agents.filter((a) => a.name !== props.self);
  const toggle = (name: string, on: boolean) =>
    props.onChange(on ? [...props.selected, name] : props.selected.filter((n) => n !== name));
  return (
    <FieldSet
      legend="Hand-offs"
      error={props.error}
      hint="The agent gets a handoff_to_<Agent> tool for each target it may pass a task to."
    >
      <div className="check-grid">
        {others.map((a) => (
          <label key={a.name} className="check-row">
            <input
              type="checkbox"
              checked={props.selected.includes(a.name)}
              onChange={(e) => toggle(a.name, e.target.checked)}
            />
            <span className="check-text">
              <span>{a.name}</span>
              {!a.enabled && <span className="check-desc">disabled</span>}
            </span>
          </label>
        ))}
      </div>
    </FieldSet>
  );
}
