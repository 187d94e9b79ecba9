import { lineDiff } from '../lib/line-diff.js';

/** Two texts as a line diff: removed lines struck through in red, added lines in green. */
export function TextDiff(props: { before: string; after: string; label: string }) {
  const lines = lineDiff(props.before, props.after);
  return (
    <section aria-label={props.label}>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable regions must be reachable by keyboard */}
      <pre className="text-diff" tabIndex={0}>
        {lines.map((l, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: lines of one diff keep their order
          <div key={i} className={`diff-line diff-${l.kind}`}>
            <span aria-hidden="true" className="diff-sign">
              {l.kind === 'del' ? '−' : l.kind === 'ins' ? '+' : ' '}
            </span>
            {l.kind === 'del' ? <del>{l.text || ' '}</del> : l.kind === 'ins' ? <ins>{l.text || ' '}</ins> : l.text}
          </div>
        ))}
      </pre>
    </section>
  );
}
