/** An on/off switch: a real checkbox with role="switch", so it is labelled, focusable and toggles with Space. */
export function Switch(props: {
  checked: boolean;
  label: string;
  onChange(checked: boolean): void;
  disabled?: boolean;
  showLabel?: boolean;
}) {
  return (
    <label className="switch">
      <input
        type="checkbox"
        role="switch"
        checked={props.checked}
        aria-checked={props.checked}
        disabled={props.disabled}
        aria-label={props.showLabel ? undefined : props.label}
        onChange={(e) => props.onChange(e.target.checked)}
      />
      <span className="switch-track" aria-hidden="true">
        <span className="switch-thumb" />
      </span>
      {props.showLabel && <span className="switch-label">{props.label}</span>}
    </label>
  );
}
