import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { checkTimeZone, formatLocal, localDate, startOfLocalDay, zoneOffsetMs } from '../../src/time/time-zone.js';

describe('local days in an IANA time zone', () => {
  it("starts Shanghai's day at 16:00 UTC the day before", () => {
    const nineLocal = Date.UTC(2026, 0, 5, 1, 0, 0);
    expect(startOfLocalDay(nineLocal, 'Asia/Shanghai')).toBe(Date.UTC(2026, 0, 4, 16, 0, 0));
    expect(localDate(nineLocal, 'Asia/Shanghai')).toBe('2026-01-05');
    expect(formatLocal(nineLocal, 'Asia/Shanghai')).toBe('2026-01-05T09:00:00+08:00');
  });

  it('finds midnight on the day clocks go forward, when the offset at midnight differs from the offset at noon', () => {
    // New York: 2026-03-08 02:00 EST → 03:00 EDT. Midnight that day is still EST (UTC-5).
    const noon = Date.UTC(2026, 2, 8, 16, 0, 0);
    expect(zoneOffsetMs(noon, 'America/New_York')).toBe(-4 * 3600_000);
    expect(startOfLocalDay(noon, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5, 0, 0));
  });

  it('writes negative and half-hour offsets', () => {
    expect(formatLocal(Date.UTC(2026, 0, 5, 12, 0, 0), 'America/St_Johns')).toBe('2026-01-05T08:30:00-03:30');
    expect(formatLocal(Date.UTC(2026, 0, 5, 12, 0, 0), 'Asia/Kathmandu')).toBe('2026-01-05T17:45:00+05:45');
  });

  it('refuses an unknown zone naming it', () => {
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(ConfigError);
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });
});
