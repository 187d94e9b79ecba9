import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ExperimentData } from './experiment-documents.js';

/** Pass rate over a dataset's finished experiments, oldest to newest. */
export function PassRateChart({ experiments }: { experiments: readonly ExperimentData[] }) {
  const points = experiments
    .filter((e) => e.passRate !== null)
    .map((e) => ({ name: e.name, passRate: Math.round((e.passRate ?? 0) * 1000) / 10 }));
  if (!points.length) return null;
  return (
    <figure
      className="chart"
      aria-label={`Pass rate over experiments: ${points.map((p) => `${p.name} ${p.passRate}%`).join(', ')}`}
    >
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid stroke="#e4e4e8" strokeDasharray="3 3" />
          <XAxis dataKey="name" tick={{ fontSize: 11 }} />
          <YAxis domain={[0, 100]} unit="%" tick={{ fontSize: 11 }} width={44} />
          <Tooltip formatter={(v) => [`${v}%`, 'pass rate']} />
          <Line type="monotone" dataKey="passRate" stroke="#5b4ce0" strokeWidth={2} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
