/** Two version selects, "Compare vN with vM", for a history's diff (card versions, plan versions). */
export function VersionPicker(props: {
  versions: readonly number[];
  from: number;
  to: number;
  onChoose(which: 'from' | 'to', version: number): void;
}) {
  const options = props.versions.map((v) => (
    <option key={v} value={v}>
      v{v}
    </option>
  ));
  return (
    <div className="actions plan-diff-pick">
      <label>
        Compare{' '}
        <select
          aria-label="From version"
          value={props.from}
          onChange={(e) => props.onChoose('from', Number(e.target.value))}
        >
          {options}
        </select>
      </label>
      <label>
        with{' '}
        <select aria-label="To version" value={props.to} onChange={(e) => props.onChoose('to', Number(e.target.value))}>
          {options}
        </select>
      </label>
    </div>
  );
}
