import { useQuery } from 'urql';
import { AgentDraftsQuery } from '../agents/agent-documents.js';
import { usePermissions } from '../connection/permissions.js';
import { Switch } from '../ui/switch.js';

/** Run against drafts: off, or on with the drafts picked (null: every draft there is). */
export interface DraftChoice {
  on: boolean;
  names: readonly string[] | null;
}

export const noDrafts: DraftChoice = { on: false, names: null };

/** The drafts a choice names, among those that exist; undefined when it is off (published cards). */
export function chosenDrafts(choice: DraftChoice, available: readonly string[]): string[] | undefined {
  if (!choice.on) return undefined;
  return available.filter((n) => choice.names === null || choice.names.includes(n));
}

/**
 * The "Run against drafts" switch and the drafts it uses (all by default), for new conversations in
 * the playground and for experiments. Live traffic always uses the published cards. Not offered to credentials
 * that may not run against drafts.
 */
export function DraftPicker(props: { value: DraftChoice; onChange(value: DraftChoice): void; hint?: string }) {
  const allowed = usePermissions()('useDrafts');
  const available = useDraftNames();
  const picked = chosenDrafts(props.value, available) ?? [];
  const toggle = (name: string, on: boolean) =>
    props.onChange({
      on: true,
      names: on ? [...picked.filter((n) => n !== name), name] : picked.filter((n) => n !== name),
    });
  if (!allowed) return null;
  return (
    <fieldset className="draft-picker" aria-label="Card drafts">
      <Switch
        label="Run against drafts"
        showLabel
        checked={props.value.on}
        disabled={available.length === 0 && !props.value.on}
        onChange={(on) => props.onChange({ on, names: null })}
      />
      {available.length === 0 && <span className="muted">no drafts</span>}
      {props.value.on && (
        <ul className="draft-choices" aria-label="Drafts to run against">
          {available.map((name) => (
            <li key={name}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={picked.includes(name)}
                  onChange={(e) => toggle(name, e.target.checked)}
                />{' '}
                {name}
              </label>
            </li>
          ))}
        </ul>
      )}
      {props.value.on && props.hint && <span className="muted">{props.hint}</span>}
    </fieldset>
  );
}

const draftTypes = { additionalTypenames: ['AgentDraft'] };

/** The drafts that exist now, by name (none for credentials that may not run against drafts). */
export function useDraftNames(): string[] {
  const allowed = usePermissions()('useDrafts');
  const [{ data }] = useQuery({
    query: AgentDraftsQuery,
    context: draftTypes,
    requestPolicy: 'cache-and-network',
    pause: !allowed,
  });
  return (data?.agentDrafts ?? []).map((d) => d.name);
}
