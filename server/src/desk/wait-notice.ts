import { type BusinessHours, isOpenAt, type Weekday, weekdays, zoneNameAt } from '../domain/business-hours.js';

/** When the store next opens, in its own time zone: the day (when not today) and the opening time. */
export interface NextOpening {
  /** Full weekday name, or null when the opening is later today. */
  day: string | null;
  /** `9:00`: no leading zero, as people write it. */
  time: string;
  /** A short zone name such as `CET` or `EST` (falls back to `GMT+9`). */
  zone: string;
}

const dayNames: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** Finds the next opening within a week, or undefined when the week has no opening hours. */
export function nextOpening(hours: BusinessHours, now: Date): NextOpening | undefined {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: hours.timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const today = weekdays.indexOf(get('weekday').slice(0, 3).toLowerCase() as Weekday);
  const time = `${get('hour')}:${get('minute')}`;
  for (let offset = 0; offset <= 7; offset++) {
    const day = weekdays[(today + offset) % 7]!;
    const next = hours.weekly[day]
      .filter((i) => offset > 0 || i.open > time)
      .sort((a, b) => a.open.localeCompare(b.open))[0];
    if (!next) continue;
    const [h, m] = next.open.split(':');
    return {
      day: offset === 0 ? null : dayNames[day],
      time: `${Number(h)}:${m}`,
      zone: zoneNameAt(hours.timeZone, now),
    };
  }
  return undefined;
}

/**
 * What the shopper is told, once per hand-off, when they write while the conversation waits for a person:
 * in hours, that a colleague will reply here; outside them, when the store opens.
 */
export function waitNotice(hours: BusinessHours, now: Date): string {
  if (isOpenAt(hours, now))
    return "You're in the queue for a colleague, who will reply here shortly. Your messages are passed on to them.";
  const opening = nextOpening(hours, now);
  if (!opening)
    return "You're in the queue for a colleague, who will reply here as soon as someone is available. Your messages are passed on to them.";
  const when = opening.day ? `on ${opening.day} at ${opening.time}` : `at ${opening.time}`;
  return `We're closed right now: a colleague will reply when we open ${when} (${opening.zone}). Your messages are passed on to them.`;
}
