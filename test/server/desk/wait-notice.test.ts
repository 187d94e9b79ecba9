import { describe, expect, it } from 'vitest';
import { nextOpening, waitNotice } from '../../../server/src/desk/wait-notice.js';
import type { BusinessHours } from '../../../server/src/domain/business-hours.js';

const nineToFive = [{ open: '09:00', close: '17:00' }];
const berlin: BusinessHours = {
  timeZone: 'Europe/Berlin',
  weekly: { mon: nineToFive, tue: nineToFive, wed: nineToFive, thu: nineToFive, fri: nineToFive, sat: [], sun: [] },
};

describe('waitNotice', () => {
  it('outside hours, says when the store opens, in its own time zone', () => {
    // Wednesday 15 January 2025, 07:30 in Berlin (06:30 UTC): opens at 9:00 the same day.
    expect(waitNotice(berlin, new Date('2025-01-15T06:30:00Z'))).toBe(
      "We're closed right now: a colleague will reply when we open at 9:00 (CET). Your messages are passed on to them.",
    );
  });

  it('names the day when the next opening is not today, and summer time', () => {
    // Friday 13 June 2025, 18:00 in Berlin: next opening Monday 9:00 (CEST).
    expect(nextOpening(berlin, new Date('2025-06-13T16:00:00Z'))).toEqual({
      day: 'Monday',
      time: '9:00',
      zone: 'CEST',
    });
    expect(waitNotice(berlin, new Date('2025-06-13T16:00:00Z'))).toContain('when we open on Monday at 9:00 (CEST)');
  });

  it('in hours, says a colleague will reply here shortly', () => {
    expect(waitNotice(berlin, new Date('2025-01-15T10:00:00Z'))).toMatch(/will reply here shortly/);
  });

  it('with no opening hours at all, promises no time', () => {
    const closed: BusinessHours = {
      timeZone: 'UTC',
      weekly: { ...berlin.weekly, mon: [], tue: [], wed: [], thu: [], fri: [] },
    };
    expect(nextOpening(closed, new Date('2025-01-15T10:00:00Z'))).toBeUndefined();
    expect(waitNotice(closed, new Date('2025-01-15T10:00:00Z'))).toMatch(/as soon as someone is available/);
  });
});
