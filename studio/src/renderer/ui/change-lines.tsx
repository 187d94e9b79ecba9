/** The lines of a change held for the shopper's yes, as the store wrote them (ChangeSummary.lines). */
export function ChangeLines({ lines }: { lines: readonly string[] }) {
  return (
    <ul>
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are text the store wrote, and may repeat
        <li key={i}>{line}</li>
      ))}
    </ul>
  );
}
