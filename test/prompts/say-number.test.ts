import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { sayNumber } from '../../src/prompts/say-number.js';

describe('sayNumber in Mandarin', () => {
  it.each([
    [0, '零'],
    [1, '一'],
    [2, '二'],
    [10, '十'],
    [11, '十一'],
    [19, '十九'],
    [20, '二十'],
    [22, '二十二'],
    [99, '九十九'],
    [100, '一百'],
    [101, '一百零一'],
    [110, '一百一十'],
    [111, '一百一十一'],
    [200, '二百'],
    [1000, '一千'],
    [1001, '一千零一'],
    [1010, '一千零一十'],
    [1100, '一千一百'],
    [2222, '二千二百二十二'],
    [10000, '一万'],
    [10005, '一万零五'],
    [10010, '一万零一十'],
    [10100, '一万零一百'],
    [12000, '一万二千'],
    [100000, '十万'],
    [110000, '十一万'],
    [200010, '二十万零一十'],
    [1000000, '一百万'],
    [10000000, '一千万'],
    [20001000, '二千万一千'],
    [100000000, '一亿'],
    [100001000, '一亿零一千'],
    [100010000, '一亿零一万'],
    [120000305, '一亿二千万零三百零五'],
    [1000000001, '十亿零一'],
    [999999999999, '九千九百九十九亿九千九百九十九万九千九百九十九'],
    [-1, '负一'],
    [-10010, '负一万零一十'],
    [3.14, '三点一四'],
    [0.5, '零点五'],
    [-0.25, '负零点二五'],
    ['12.50', '十二点五零'],
    ['007', '七'],
  ])('says %s as %s', (value, expected) => {
    expect(sayNumber(value, 'zh').text).toBe(expected);
  });

  it('plays one word prompt per word, with 零 between the groups', () => {
    expect(sayNumber(10005, 'zh').ids).toEqual(['num/1', 'num/10k', 'num/0', 'num/5']);
    expect(sayNumber(10, 'zh').ids).toEqual(['num/10']);
  });
});

describe('sayNumber in English', () => {
  it.each([
    [0, 'zero'],
    [7, 'seven'],
    [10, 'ten'],
    [13, 'thirteen'],
    [20, 'twenty'],
    [42, 'forty two'],
    [100, 'one hundred'],
    [101, 'one hundred one'],
    [110, 'one hundred ten'],
    [1000, 'one thousand'],
    [1001, 'one thousand one'],
    [10005, 'ten thousand five'],
    [10010, 'ten thousand ten'],
    [100000, 'one hundred thousand'],
    [110000, 'one hundred ten thousand'],
    [1000000, 'one million'],
    [10000000, 'ten million'],
    [100000000, 'one hundred million'],
    [100010000, 'one hundred million ten thousand'],
    [120000305, 'one hundred twenty million three hundred five'],
    [1000000001, 'one billion one'],
    [-12, 'minus twelve'],
    [3.14, 'three point one four'],
  ])('says %s as "%s"', (value, expected) => {
    expect(sayNumber(value, 'en').text).toBe(expected);
  });

  it('builds English from thousand and million, not from 万 and 亿', () => {
    expect(sayNumber(120000305, 'en').ids).toEqual([
      'num/1', 'num/100', 'num/20', 'num/million', 'num/3', 'num/100', 'num/5',
    ]);
  });
});

describe('sayNumber with bad input', () => {
  it.each([
    [Number.NaN, /not a finite number/],
    [Number.POSITIVE_INFINITY, /not a finite number/],
    ['12,5', /not a decimal number/],
    ['', /not a decimal number/],
    ['abc', /not a decimal number/],
    [1e12, /larger than 999999999999/],
  ])('refuses %s with a clear message', (value, message) => {
    expect(() => sayNumber(value, 'zh')).toThrow(ValidationError);
    expect(() => sayNumber(value, 'zh')).toThrow(message);
  });

  it('reports the value and the kind of value in the error details', () => {
    try {
      sayNumber('abc', 'en');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ status: 400, code: 'invalid-request', details: { value: '"abc"', kind: 'a number' } });
    }
  });
});

describe('spoken values in a language we do not speak', () => {
  it('are refused with the languages we do speak', () => {
    expect(() => sayNumber(7, 'fr' as 'zh')).toThrow(/cannot speak language "fr": use zh or en/);
  });
});
