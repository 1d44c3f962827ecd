import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesInText } from '../../src/log/mask.js';

describe('maskPhone', () => {
  it.each([
    ['13800000001', '138****0001'],
    ['+8613800000001', '+86*******0001'],
    ['008613800000001', '008********0001'],
    ['0215551234', '02****1234'],
    ['021555123', '0****5123'],
    ['55512345', '****2345'],
    ['5551234', '****234'],
    ['138-0000-0001', '138****0001'],
    ['10000', '10000'],
    ['anonymous', 'anonymous'],
    ['', ''],
  ])('masks %s as %s', (input, expected) => {
    expect(maskPhone(input)).toBe(expected);
  });

  it('hides at least four digits of any number of seven digits or more', () => {
    for (let length = 7; length <= 16; length++) {
      const number = '9'.repeat(length);
      const masked = maskPhone(number);
      expect(length - masked.replace(/\D/g, '').length, masked).toBeGreaterThanOrEqual(4);
    }
  });
});

describe('maskPhonesInText', () => {
  it('masks every number of seven digits or more and leaves the rest of the text alone', () => {
    expect(maskPhonesInText('call 13800000001 or +8613800000002, ext 1001, from 2026-01-05 on'))
      .toBe('call 138****0001 or +86*******0002, ext 1001, from 2026-01-05 on');
  });

  it('masks numbers written with spaces or dashes between the groups', () => {
    expect(maskPhonesInText('reach me on 138 0000 0001 or 138-0000-0002.')).toBe('reach me on 138****0001 or 138****0002.');
    expect(maskPhonesInText('+86 138 0000 0003')).toBe('+86*******0003');
  });

  it('leaves dial strings of extensions and times alone', () => {
    expect(maskPhonesInText('PJSIP/1001')).toBe('PJSIP/1001');
    expect(maskPhonesInText('Local/1001@agents')).toBe('Local/1001@agents');
    expect(maskPhonesInText('2026-01-05T09:00:00+08:00')).toBe('2026-01-05T09:00:00+08:00');
  });
});
