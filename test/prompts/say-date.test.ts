import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { sayDate } from '../../src/prompts/say-date.js';

describe('sayDate', () => {
  it.each([
    ['2026-11-22', '二零二六年十一月二十二日', 'November twenty second twenty twenty six'],
    ['2026-01-01', '二零二六年一月一日', 'January first twenty twenty six'],
    ['2026-02-02', '二零二六年二月二日', 'February second twenty twenty six'],
    ['2026-03-10', '二零二六年三月十日', 'March tenth twenty twenty six'],
    ['2026-12-31', '二零二六年十二月三十一日', 'December thirty first twenty twenty six'],
    ['2026-05-23', '二零二六年五月二十三日', 'May twenty third twenty twenty six'],
    ['2000-06-11', '二零零零年六月十一日', 'June eleventh two thousand'],
    ['2005-07-12', '二零零五年七月十二日', 'July twelfth two thousand five'],
    ['2010-08-20', '二零一零年八月二十日', 'August twentieth twenty ten'],
    ['2019-09-30', '二零一九年九月三十日', 'September thirtieth twenty nineteen'],
    ['1999-10-13', '一九九九年十月十三日', 'October thirteenth nineteen ninety nine'],
    ['1905-04-04', '一九零五年四月四日', 'April fourth nineteen oh five'],
    ['1900-04-21', '一九零零年四月二十一日', 'April twenty first nineteen hundred'],
    ['2024-02-29', '二零二四年二月二十九日', 'February twenty ninth twenty twenty four'],
  ])('says %s as %s / "%s"', (value, zh, en) => {
    expect(sayDate(value, 'zh').text).toBe(zh);
    expect(sayDate(value, 'en').text).toBe(en);
  });

  it('reads the Mandarin year digit by digit and the month as one word', () => {
    expect(sayDate('2026-11-22', 'zh').ids).toEqual([
      'num/2', 'num/0', 'num/2', 'num/6', 'word/year', 'month/11', 'num/2', 'num/10', 'num/2', 'word/day',
    ]);
  });

  it('says the date of an instant in the hotline time zone (Asia/Shanghai by default)', () => {
    expect(sayDate('2026-11-21T17:30:00Z', 'zh').text).toBe('二零二六年十一月二十二日');
    expect(sayDate(new Date('2026-11-21T15:59:59Z'), 'zh').text).toBe('二零二六年十一月二十一日');
    expect(sayDate('2026-11-21T17:30:00Z', 'en', { timeZone: 'UTC' }).text).toBe('November twenty first twenty twenty six');
    expect(sayDate('2026-11-22T08:00:00+08:00', 'en').text).toBe('November twenty second twenty twenty six');
  });

  it('accepts year, month and day as numbers', () => {
    expect(sayDate({ year: 2026, month: 11, day: 22 }, 'zh').text).toBe('二零二六年十一月二十二日');
  });

  it.each([
    ['2026-02-29', /no such day/],
    ['2026-04-31', /no such day/],
    ['2026-13-01', /no such month/],
    ['2026-00-10', /no such month/],
    ['0999-01-01', /four digits/],
    ['22/11/2026', /expected YYYY-MM-DD/],
    ['2026-11-22 10:00', /expected YYYY-MM-DD/],
    ['', /expected YYYY-MM-DD/],
  ])('refuses %s', (value, message) => {
    expect(() => sayDate(value, 'zh')).toThrow(ValidationError);
    expect(() => sayDate(value, 'zh')).toThrow(message);
  });

  it('refuses an invalid Date, fractional parts and an unknown time zone', () => {
    expect(() => sayDate(new Date('nope'), 'en')).toThrow(/not a valid date/);
    expect(() => sayDate({ year: 2026, month: 1.5, day: 1 }, 'en')).toThrow(/whole numbers/);
    expect(() => sayDate(new Date(), 'en', { timeZone: 'Mars/Olympus' })).toThrow(/unknown time zone/);
  });
});
