import { describe, expect, it } from 'vitest';
import { callbacksSectionSchema } from '../../src/callbacks/callbacks-config.js';
import { quietHoursSchema } from '../../src/time/quiet-hours-schema.js';
import { QuietHours } from '../../src/time/quiet-hours.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** A local time in Shanghai (UTC+8, no daylight saving) in January 2026. */
const sh = (day: number, hour: number, minute = 0) => Date.UTC(2026, 0, day, hour - 8, minute);
const night = new QuietHours({ start: '21:00', end: '08:00', timeZone: 'Asia/Shanghai' });

describe('quiet hours', () => {
  it('run from the start time to the end time, across midnight', () => {
    expect(night.isQuiet(sh(5, 20, 59))).toBe(false);
    expect(night.isQuiet(sh(5, 21, 0))).toBe(true);
    expect(night.isQuiet(sh(6, 0, 30))).toBe(true);
    expect(night.isQuiet(sh(6, 7, 59))).toBe(true);
    expect(night.isQuiet(sh(6, 8, 0))).toBe(false);
    expect(night.nextAllowed(sh(5, 23, 0))).toBe(sh(6, 8, 0));
    expect(night.nextAllowed(sh(6, 3, 0))).toBe(sh(6, 8, 0));
    expect(night.nextAllowed(sh(6, 12, 0))).toBe(sh(6, 12, 0));
    expect(night.nextQuietStart(sh(6, 12, 0))).toBe(sh(6, 21, 0));
    expect(night.nextQuietStart(sh(6, 21, 0))).toBe(sh(7, 21, 0));
  });

  it('pause a deadline: only time outside them counts', () => {
    // The examples of the documentation.
    expect(night.addActiveTime(sh(5, 20, 30), HOUR)).toBe(sh(6, 8, 30));
    expect(night.addActiveTime(sh(5, 23, 0), HOUR)).toBe(sh(6, 9, 0));
    expect(night.addActiveTime(sh(5, 10, 0), 15 * MIN)).toBe(sh(5, 10, 15));
    // 24 h from Monday 17:00: 4 h on Monday, 13 h on Tuesday, 7 h on Wednesday.
    expect(night.addActiveTime(sh(5, 17, 0), 24 * HOUR)).toBe(sh(7, 15, 0));
    // Ending exactly as quiet hours begin.
    expect(night.addActiveTime(sh(5, 20, 0), HOUR)).toBe(sh(5, 21, 0));
  });

  it('may lie within one day', () => {
    const early = new QuietHours({ start: '01:00', end: '05:00', timeZone: 'Asia/Shanghai' });
    expect(early.isQuiet(sh(5, 0, 59))).toBe(false);
    expect(early.isQuiet(sh(5, 1, 0))).toBe(true);
    expect(early.isQuiet(sh(5, 5, 0))).toBe(false);
    expect(early.addActiveTime(sh(5, 0, 30), HOUR)).toBe(sh(5, 5, 30));
  });

  it('follow the local clock through a daylight-saving change', () => {
    // Berlin moves from UTC+1 to UTC+2 on 29 March 2026 at 02:00.
    const berlin = new QuietHours({ start: '21:00', end: '08:00', timeZone: 'Europe/Berlin' });
    const saturday20 = Date.UTC(2026, 2, 28, 19, 0);
    // One hour before 21:00 on Saturday, the other from 08:00 (now UTC+2) on Sunday.
    expect(berlin.addActiveTime(saturday20, 2 * HOUR)).toBe(Date.UTC(2026, 2, 29, 7, 0));
    expect(berlin.nextAllowed(Date.UTC(2026, 2, 28, 23, 0))).toBe(Date.UTC(2026, 2, 29, 6, 0));
  });

  it('none: nothing is quiet and a deadline is a plain duration', () => {
    const none = new QuietHours(null);
    expect(none.enabled).toBe(false);
    expect(none.isQuiet(sh(5, 23, 0))).toBe(false);
    expect(none.nextQuietStart(sh(5, 23, 0))).toBe(Number.POSITIVE_INFINITY);
    expect(none.addActiveTime(sh(5, 23, 0), HOUR)).toBe(sh(6, 0, 0));
  });

  it('are configured as local times in an IANA zone', () => {
    expect(callbacksSectionSchema.parse({}).outbound.quietHours).toEqual({ start: '21:00', end: '08:00', timeZone: 'Asia/Shanghai' });
    expect(callbacksSectionSchema.parse({ outbound: { quietHours: null } }).outbound.quietHours).toBeNull();
    expect(quietHoursSchema.safeParse({ start: '25:00' }).success).toBe(false);
    expect(quietHoursSchema.safeParse({ timeZone: 'Mars/Olympus' }).success).toBe(false);
    expect(quietHoursSchema.safeParse({ start: '08:00', end: '08:00' }).success).toBe(false);
  });
});
