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
      timeZoneName: 'short',
    });
    weekdayClock.set(timeZone, format);
  }
  return format;
}

/**
 * The weekday and "HH:MM" of each time zone's clock in the minute last asked about. Every turn asks
 * and formatToParts is costly; a zone's wall clock only changes at a minute boundary (UTC offsets are
 * whole minutes today), so within one minute the answer is the same.
 */
const clockInMinute = new Map<string, { minute: number; day: Weekday; time: string; zone: string }>();

function wallClock(timeZone: string, now: Date): { day: Weekday; time: string; zone: string } {
  const minute = Math.floor(now.getTime() / 60_000);
  const cached = clockInMinute.get(timeZone);
  if (cached?.minute === minute) return cached;
  const parts = weekdayClockIn(timeZone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const clock = {
    minute,
    day: get('weekday').slice(0, 3).toLowerCase() as Weekday,
    time: `${get('hour')}:${get('minute')}`,
    zone: shortZoneName(timeZone, get('timeZoneName'), now),
  };
  clockInMinute.set(timeZone, clock);
  return clock;
}

/** Whether the store is open at `now`, computed in the workspace's own time zone. */
export function isOpenAt(hours: BusinessHours, now: Date): boolean {
  const { day, time } = wallClock(hours.timeZone, now);
  return (hours.weekly[day] ?? []).some((i) => time >= i.open && time < i.close);
}

/**
 * The zone as a shopper reads it on a clock at `now`: `EST`, `EDT`, `CET`, `IST`, else an offset (`GMT+9`). US
 * English names the American zones and only those; British English names more of Europe's.
 */
function shortZoneName(timeZone: string, american: string, now: Date): string {
  if (american && !american.startsWith('GMT')) return american;
  const british = new Intl.DateTimeFormat('en-GB', { timeZone, timeZoneName: 'short' })
    .formatToParts(now)
    .find((p) => p.type === 'timeZoneName')?.value;
  return british && !british.startsWith('GMT+') && !british.startsWith('GMT-') ? british : american || timeZone;
}

/** The short name of the zone's clock at `now` ("EST" in winter, "EDT" in summer; "GMT+9" where it has none). */
export function zoneNameAt(timeZone: string, now: Date): string {
  return wallClock(timeZone, now).zone;
}

/**
 * A one-line human summary in the words a shopper reads, e.g. "Mon–Fri 09:00–18:00; Sat 10:00–16:00 (EST)": the
 * zone as the store's clock names it at `now`, not its IANA id.
 */
export function describeBusinessHours(hours: BusinessHours, now = new Date()): string {
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
  return `${body} (${zoneNameAt(hours.timeZone, now)})`;
}
