import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { sayAmount } from '../../src/prompts/say-amount.js';

describe('sayAmount', () => {
  it.each([
    // value, Mandarin, English
    [123.45, '一百二十三点四五元', 'one hundred twenty three yuan forty five fen'],
    [0.05, '零点零五元', 'five fen'],
    [0.5, '零点五元', 'fifty fen'],
    [10, '十元', 'ten yuan'],
    [10.5, '十点五元', 'ten yuan fifty fen'],
    [10.05, '十点零五元', 'ten yuan five fen'],
    [0, '零元', 'zero yuan'],
    [1, '一元', 'one yuan'],
    [2, '两元', 'two yuan'],
    [2.5, '二点五元', 'two yuan fifty fen'],
    [12, '十二元', 'twelve yuan'],
    [56.78, '五十六点七八元', 'fifty six yuan seventy eight fen'],
    [100, '一百元', 'one hundred yuan'],
    [1000, '一千元', 'one thousand yuan'],
    [10010, '一万零一十元', 'ten thousand ten yuan'],
    [100000, '十万元', 'one hundred thousand yuan'],
    [3200, '三千二百元', 'three thousand two hundred yuan'],
    [-12.5, '欠费十二点五元', 'in arrears, twelve yuan fifty fen'],
    [-0.05, '欠费零点零五元', 'in arrears, five fen'],
    [-2, '欠费两元', 'in arrears, two yuan'],
    ['56.78', '五十六点七八元', 'fifty six yuan seventy eight fen'],
    ['-12.50', '欠费十二点五元', 'in arrears, twelve yuan fifty fen'],
  ])('says %s as %s / "%s"', (value, zh, en) => {
    expect(sayAmount(value, 'zh').text).toBe(zh);
    expect(sayAmount(value, 'en').text).toBe(en);
  });

  describe('rounds to the fen, half away from zero, on the decimal value', () => {
    it.each([
      [0.005, '零点零一元', 'one fen'],
      [0.004, '零元', 'zero yuan'],
      [1.999, '两元', 'two yuan'],
      [1.005, '一点零一元', 'one yuan one fen'],
      [9.995, '十元', 'ten yuan'],
      [99.999, '一百元', 'one hundred yuan'],
      [-0.005, '欠费零点零一元', 'in arrears, one fen'],
      [1e-7, '零元', 'zero yuan'],
    ])('%s → %s / "%s"', (value, zh, en) => {
      expect(sayAmount(value, 'zh').text).toBe(zh);
      expect(sayAmount(value, 'en').text).toBe(en);
    });

    it('does not call an amount that rounds to zero a debt', () => {
      expect(sayAmount(-0.004, 'zh').ids).toEqual(['num/0', 'unit/yuan']);
      expect(sayAmount(-0, 'en').text).toBe('zero yuan');
    });
  });

  it('plays the debt word first, then the amount word by word', () => {
    expect(sayAmount(-12.5, 'zh').ids).toEqual(['word/arrears', 'num/10', 'num/2', 'word/point', 'num/5', 'unit/yuan']);
  });

  it.each([
    [Number.NaN, /not a finite number/],
    ['12.5 yuan', /not a decimal number/],
    [1e15, /larger than/],
    [999999999999.995, /larger than/],
  ])('refuses %s', (value, message) => {
    expect(() => sayAmount(value, 'zh')).toThrow(ValidationError);
    expect(() => sayAmount(value, 'zh')).toThrow(message);
  });
});
