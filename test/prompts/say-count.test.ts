import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { sayCount } from '../../src/prompts/say-count.js';
import { sayOrdinal } from '../../src/prompts/say-ordinal.js';
import { sayPoints } from '../../src/prompts/say-points.js';
import { sayPosition } from '../../src/prompts/say-position.js';

describe('sayCount (before a measure word in the sentence)', () => {
  it.each([
    [0, '零', 'zero'],
    [1, '一', 'one'],
    [2, '两', 'two'],
    [3, '三', 'three'],
    [12, '十二', 'twelve'],
    [20, '二十', 'twenty'],
    [200, '二百', 'two hundred'],
    [1000, '一千', 'one thousand'],
  ])('says %s as %s / "%s"', (n, zh, en) => {
    expect(sayCount(n, 'zh').text).toBe(zh);
    expect(sayCount(n, 'en').text).toBe(en);
  });

  it.each([[-1, /at least 0/], [1.5, /not a whole number/], [Number.NaN, /not a finite number/]])('refuses %s', (n, message) => {
    expect(() => sayCount(n, 'zh')).toThrow(ValidationError);
    expect(() => sayCount(n, 'zh')).toThrow(message);
  });
});

describe('sayOrdinal', () => {
  it.each([
    [1, '第一', 'first'],
    [2, '第二', 'second'],
    [3, '第三', 'third'],
    [11, '第十一', 'eleventh'],
    [12, '第十二', 'twelfth'],
    [20, '第二十', 'twentieth'],
    [22, '第二十二', 'twenty second'],
    [31, '第三十一', 'thirty first'],
    [100, '第一百', 'one hundredth'],
    [101, '第一百零一', 'one hundred first'],
    [1000, '第一千', 'one thousandth'],
    [1000000, '第一百万', 'one millionth'],
  ])('says %s as %s / "%s"', (n, zh, en) => {
    expect(sayOrdinal(n, 'zh').text).toBe(zh);
    expect(sayOrdinal(n, 'en').text).toBe(en);
  });

  it('has no zeroth', () => {
    expect(() => sayOrdinal(0, 'en')).toThrow(/at least 1/);
  });
});

describe('sayPosition (place in the queue)', () => {
  it.each([
    [1, '第一位', 'first in line'],
    [2, '第二位', 'second in line'],
    [3, '第三位', 'third in line'],
    [15, '第十五位', 'fifteenth in line'],
    [42, '第四十二位', 'forty second in line'],
  ])('says %s as %s / "%s"', (n, zh, en) => {
    expect(sayPosition(n, 'zh').text).toBe(zh);
    expect(sayPosition(n, 'en').text).toBe(en);
  });

  it('refuses position 0', () => {
    expect(() => sayPosition(0, 'zh')).toThrow(ValidationError);
  });
});

describe('sayPoints', () => {
  it.each([
    [0, '零分', 'zero points'],
    [1, '一分', 'one point'],
    [2, '两分', 'two points'],
    [10, '十分', 'ten points'],
    [1200, '一千二百分', 'one thousand two hundred points'],
    [10010, '一万零一十分', 'ten thousand ten points'],
    [-5, '负五分', 'minus five points'],
  ])('says %s as %s / "%s"', (n, zh, en) => {
    expect(sayPoints(n, 'zh').text).toBe(zh);
    expect(sayPoints(n, 'en').text).toBe(en);
  });

  it('refuses fractional points', () => {
    expect(() => sayPoints(12.5, 'zh')).toThrow(/not a whole number/);
  });
});
