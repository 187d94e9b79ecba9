/** Pretty-printed JSON in a scrollable block, for tool arguments, outputs and event data. */
export function JsonView({ value, label }: { value: unknown; label?: string }) {
  const text = value === undefined ? '—' : JSON.stringify(value, null, 2);
  return (
    <section className="json-wrap" aria-label={label ?? 'JSON'}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable regions must be reachable by keyboard */}
      <pre className="json" tabIndex={0}>
        {text}
      </pre>
    </section>
  );
}
