import { z } from 'zod';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'times are HH:MM');
const interval = z.object({ open: hhmm, close: hhmm }).refine((i) => i.open < i.close, {
  message: 'open must be before close',
});

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

export const businessHoursSchema = z.object({
  timeZone: z.string().refine(isValidTimeZone, 'unknown IANA time zone'),
  weekly: z.object(
    Object.fromEntries(weekdays.map((d) => [d, z.array(interval).max(4)])) as Record<
      Weekday,
      z.ZodArray<typeof interval>
    >,
  ),
});
export type BusinessHours = z.infer<typeof businessHoursSchema>;

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Building an Intl.DateTimeFormat costs about half a millisecond and every turn asks, so formatters
 * are kept per time zone. They are immutable, so sharing them is safe.
 */
const weekdayClock = new Map<string, Intl.DateTimeFormat>();

function weekdayClockIn(timeZone: string): Intl.DateTimeFormat {
  let format = weekdayClock.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    weekdayClock.set(timeZone, format);
  }
  return format;
}

/** Whether the store is open at `now`, computed in the workspace's own time zone. */
export function isOpenAt(hours: BusinessHours, now: Date): boolean {
  const parts = weekdayClockIn(hours.timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').slice(0, 3).toLowerCase() as Weekday;
  const time = `${get('hour')}:${get('minute')}`;
  return (hours.weekly[day] ?? []).some((i) => time >= i.open && time < i.close);
}

/** A one-line human summary, e.g. "Mon–Fri 09:00–18:00, Sat 10:00–16:00 (America/New_York)". */
export function describeBusinessHours(hours: BusinessHours): string {
  const fmt = (d: Weekday) => hours.weekly[d].map((i) => `${i.open}–${i.close}`).join(', ') || 'closed';
  const groups: { from: Weekday; to: Weekday; text: string }[] = [];
  for (const d of weekdays) {
    const text = fmt(d);
    const last = groups.at(-1);
    if (last && last.text === text) last.to = d;
    else groups.push({ from: d, to: d, text });
  }
  const cap = (d: string) => d[0]?.toUpperCase() + d.slice(1);
  const body = groups.map((g) => `${cap(g.from)}${g.from === g.to ? '' : `–${cap(g.to)}`} ${g.text}`).join('; ');
  return `${body} (${hours.timeZone})`;
}
