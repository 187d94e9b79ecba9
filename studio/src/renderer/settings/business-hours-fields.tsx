import { Field, FieldSet } from '../ui/field.js';

export interface HoursDraft {
  timeZone: string;
  days: { day: string; intervals: { open: string; close: string }[] }[];
}

const dayNames: Record<string, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

const zones = (() => {
  try {
    return (Intl as unknown as { supportedValuesOf(k: string): string[] }).supportedValuesOf('timeZone');
  } catch {
    return [] as string[];
  }
})();

/** Opening hours per weekday (a day with no interval is closed) and the time zone they are in. */
export function BusinessHoursFields(props: {
  value: HoursDraft;
  onChange(v: HoursDraft): void;
  error(field: string): string | undefined;
}) {
  const { value } = props;
  const setDay = (day: string, intervals: HoursDraft['days'][number]['intervals']) =>
    props.onChange({ ...value, days: value.days.map((d) => (d.day === day ? { ...d, intervals } : d)) });
  return (
    <>
      <Field label="Time zone" error={props.error('businessHours.timeZone')}>
        {(a) => (
          <>
            <input
              {...a}
              list="time-zones"
              value={value.timeZone}
              onChange={(e) => props.onChange({ ...value, timeZone: e.target.value })}
            />
            <datalist id="time-zones">
              {zones.map((z) => (
                <option key={z} value={z} />
              ))}
            </datalist>
          </>
        )}
      </Field>
      <FieldSet legend="Opening hours" error={props.error('businessHours.days')}>
        <div className="hours">
          {value.days.map((d, di) => (
            <div key={d.day} className="hours-row">
              <label className="check-row hours-day">
                <input
                  type="checkbox"
                  checked={d.intervals.length > 0}
                  onChange={(e) => setDay(d.day, e.target.checked ? [{ open: '09:00', close: '17:00' }] : [])}
                />
                {dayNames[d.day] ?? d.day}
              </label>
              {d.intervals.length === 0 && <span className="muted">Closed</span>}
              {d.intervals.map((iv, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: intervals have no identity besides their position
                <span key={i} className="hours-interval">
                  <input
                    type="time"
                    aria-label={`${dayNames[d.day]} opens`}
                    value={iv.open}
                    aria-invalid={props.error(`businessHours.days.${di}.intervals.${i}`) ? true : undefined}
                    onChange={(e) =>
                      setDay(
                        d.day,
                        d.intervals.map((x, j) => (j === i ? { ...x, open: e.target.value } : x)),
                      )
                    }
                  />
                  <span aria-hidden="true">–</span>
                  <input
                    type="time"
                    aria-label={`${dayNames[d.day]} closes`}
                    value={iv.close}
                    onChange={(e) =>
                      setDay(
                        d.day,
                        d.intervals.map((x, j) => (j === i ? { ...x, close: e.target.value } : x)),
                      )
                    }
                  />
                </span>
              ))}
            </div>
          ))}
        </div>
      </FieldSet>
    </>
  );
}
