const tones: Record<string, string> = {
  COMPLETED: 'green',
  RUNNING: 'blue',
  PENDING: 'gray',
  PAUSED: 'amber',
  FAILED: 'red',
  CANCELLED: 'gray',
};

/** A run or task status as a coloured pill; the text carries the meaning, the colour only helps. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${tones[status] ?? 'gray'}`}>{status.toLowerCase()}</span>;
}
