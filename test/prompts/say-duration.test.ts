import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { sayDuration } from '../../src/prompts/say-duration.js';

describe('sayDuration', () => {
  it.each([
    [0, '零秒', 'zero seconds'],
    [1, '一秒', 'one second'],
    [2, '两秒', 'two seconds'],
    [12, '十二秒', 'twelve seconds'],
    [22, '二十二秒', 'twenty two seconds'],
    [59, '五十九秒', 'fifty nine seconds'],
    [60, '一分钟', 'one minute'],
    [61, '一分钟一秒', 'one minute one second'],
    [120, '两分钟', 'two minutes'],
    [125, '两分钟五秒', 'two minutes five seconds'],
    [900, '十五分钟', 'fifteen minutes'],
    [3600, '一小时', 'one hour'],
    [3605, '一小时五秒', 'one hour five seconds'],
    [3660, '一小时一分钟', 'one hour one minute'],
    [7200, '两小时', 'two hours'],
    [7322, '两小时两分钟两秒', 'two hours two minutes two seconds'],
    [86400, '二十四小时', 'twenty four hours'],
    [172800, '四十八小时', 'forty eight hours'],
    [124.6, '两分钟五秒', 'two minutes five seconds'],
  ])('says %s s as %s / "%s"', (seconds, zh, en) => {
    expect(sayDuration(seconds, 'zh').text).toBe(zh);
    expect(sayDuration(seconds, 'en').text).toBe(en);
  });

  describe('to the minute, for estimates', () => {
    it.each([
      [0, '零分钟', 'zero minutes'],
      [20, '一分钟', 'one minute'],
      [89, '一分钟', 'one minute'],
      [90, '两分钟', 'two minutes'],
      [125, '两分钟', 'two minutes'],
      [3629, '一小时', 'one hour'],
      [5400, '一小时三十分钟', 'one hour thirty minutes'],
    ])('says %s s as %s / "%s"', (seconds, zh, en) => {
      expect(sayDuration(seconds, 'zh', { precision: 'minute' }).text).toBe(zh);
      expect(sayDuration(seconds, 'en', { precision: 'minute' }).text).toBe(en);
    });
  });

  it('plays singular and plural unit prompts that say the same in Mandarin', () => {
    expect(sayDuration(61, 'zh').ids).toEqual(['num/1', 'unit/minute', 'num/1', 'unit/second']);
    expect(sayDuration(125, 'zh').ids).toEqual(['num/2-count', 'unit/minutes', 'num/5', 'unit/seconds']);
  });

  it.each([
    [-1, /negative/],
    [Number.NaN, /not a finite number/],
    [Number.POSITIVE_INFINITY, /not a finite number/],
  ])('refuses %s', (seconds, message) => {
    expect(() => sayDuration(seconds, 'zh')).toThrow(ValidationError);
    expect(() => sayDuration(seconds, 'zh')).toThrow(message);
  });
});
