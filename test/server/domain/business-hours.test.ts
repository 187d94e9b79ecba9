import { describe, expect, it } from 'vitest';
import { type BusinessHours, describeBusinessHours, isOpenAt } from '../../../server/src/domain/business-hours.js';

const nineToSix = (timeZone: string): BusinessHours => ({
  timeZone,
  weekly: {
    mon: [{ open: '09:00', close: '18:00' }],
    tue: [{ open: '09:00', close: '18:00' }],
    wed: [{ open: '09:00', close: '18:00' }],
    thu: [{ open: '09:00', close: '18:00' }],
    fri: [{ open: '09:00', close: '18:00' }],
    sat: [],
    sun: [],
  },
});

describe('isOpenAt', () => {
  it('reads the clock in the workspace time zone, minute by minute, whatever zone was asked before', () => {
    const berlin = nineToSix('Europe/Berlin');
    const newYork = nineToSix('America/New_York');
    // Friday 2026-12-04, 16:59:30 UTC = 17:59:30 in Berlin (CET) and 11:59:30 in New York (EST).
    const t = Date.parse('2026-12-04T16:59:30Z');
    expect(isOpenAt(berlin, new Date(t))).toBe(true);
    expect(isOpenAt(newYork, new Date(t))).toBe(true);
    expect(isOpenAt(berlin, new Date(t + 29_000))).toBe(true); // 17:59:59
    expect(isOpenAt(berlin, new Date(t + 30_000))).toBe(false); // 18:00:00, the next minute
    expect(isOpenAt(newYork, new Date(t + 30_000))).toBe(true);
    // Back in time (a clock that stepped back): the answer follows the time asked about.
    expect(isOpenAt(berlin, new Date(t))).toBe(true);
    // Saturday in Berlin starts at 23:00 UTC on Friday.
    expect(isOpenAt(berlin, new Date('2026-12-05T09:30:00Z'))).toBe(false);
  });

  it('follows a daylight-saving change within the same hour of UTC', () => {
    const berlin = nineToSix('Europe/Berlin');
    // Monday 2026-03-30 (CEST, UTC+2): 07:30 UTC is 09:30 local, open; the Monday before (CET) it is 08:30, closed.
    expect(isOpenAt(berlin, new Date('2026-03-30T07:30:00Z'))).toBe(true);
    expect(isOpenAt(berlin, new Date('2026-03-23T07:30:00Z'))).toBe(false);
  });
});

describe('describeBusinessHours', () => {
  it("names the zone as the store's clock reads at the time asked, not by its IANA id", () => {
    const winter = new Date('2026-12-04T12:00:00Z');
    const summer = new Date('2026-07-03T12:00:00Z');
    expect(describeBusinessHours(nineToSix('America/New_York'), winter)).toBe(
      'Mon–Fri 09:00–18:00; Sat–Sun closed (EST)',
    );
    expect(describeBusinessHours(nineToSix('America/New_York'), summer)).toMatch(/\(EDT\)$/);
    expect(describeBusinessHours(nineToSix('Europe/Berlin'), winter)).toMatch(/\(CET\)$/);
    expect(describeBusinessHours(nineToSix('Europe/Berlin'), summer)).toMatch(/\(CEST\)$/);
    expect(describeBusinessHours(nineToSix('Asia/Kolkata'), winter)).toMatch(/\(GMT\+5:30\)$/);
    // A zone with no short name in either English: its offset.
    expect(describeBusinessHours(nineToSix('Asia/Tokyo'), winter)).toMatch(/\(GMT\+9\)$/);
    expect(describeBusinessHours(nineToSix('UTC'), winter)).toMatch(/\(UTC\)$/);
  });
});
