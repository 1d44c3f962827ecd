import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { sayPhone } from '../../src/prompts/say-phone.js';

describe('sayPhone', () => {
  it.each([
    ['13800000001', '幺三八零零零零零零零幺', 'one three eight zero zero zero zero zero zero zero one'],
    ['02100000001', '零二幺零零零零零零零幺', 'zero two one zero zero zero zero zero zero zero one'],
    ['10000', '幺零零零零', 'one zero zero zero zero'],
    ['138-0000-0001', '幺三八零零零零零零零幺', 'one three eight zero zero zero zero zero zero zero one'],
    ['+86 21 2222', '加八六二幺二二二二', 'plus eight six two one two two two two'],
    ['7', '七', 'seven'],
  ])('says %s digit by digit', (number, zh, en) => {
    expect(sayPhone(number, 'zh').text).toBe(zh);
    expect(sayPhone(number, 'en').text).toBe(en);
  });

  it('uses 幺 for one in Mandarin only', () => {
    expect(sayPhone('11', 'zh').ids).toEqual(['num/1-phone', 'num/1-phone']);
    expect(sayPhone('11', 'en').ids).toEqual(['num/1', 'num/1']);
  });

  it.each(['', '   ', '138 0000 000A', '12+3', '1*2#', '++86'])('refuses %j', (number) => {
    expect(() => sayPhone(number, 'zh')).toThrow(ValidationError);
    expect(() => sayPhone(number, 'zh')).toThrow(/only digits/);
  });
});
