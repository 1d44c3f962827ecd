import { describe, expect, it } from 'vitest';
import { parseCallerId } from '../../src/sim/caller-id.js';
import { matches } from '../../src/sim/dialplan.js';
import { numberSounds, planMedia } from '../../src/sim/media-plan.js';
import { languageChain } from '../../src/sim/sounds.js';

describe('what the simulated switch reads the way Asterisk does', () => {
  it.each([
    ['"Test Caller" <+15551230000>', { name: 'Test Caller', number: '+15551230000' }],
    ['Alice <1001>', { name: 'Alice', number: '1001' }],
    ['13800000001', { name: '', number: '13800000001' }],
    ['(555) 123-4567', { name: '', number: '5551234567' }],
    ['Reception', { name: 'Reception', number: '' }],
    ['', { name: '', number: '' }],
  ])('parses caller id %j', (input, expected) => {
    expect(parseCallerId(input)).toEqual(expected);
  });

  it('matches extension patterns', () => {
    expect(matches('_1XXX', '1001')).toBe(true);
    expect(matches('_1XXX', '10001')).toBe(false);
    expect(matches('_1XXX', '2001')).toBe(false);
    expect(matches('_NXX.', '2345678')).toBe(true);
    expect(matches('_[13]X', '35')).toBe(true);
    expect(matches('_[13]X', '25')).toBe(false);
    expect(matches('10000', '10000')).toBe(true);
  });

  it('looks a sound up in the language, without its variant, in English, then without a language', () => {
    expect(languageChain('zh_TW')).toEqual(['zh_TW', 'zh', 'en', '']);
    expect(languageChain('en')).toEqual(['en', '']);
  });

  it('turns media URIs into the files Asterisk plays', () => {
    expect(planMedia('sound:hotline/welcome')).toEqual({ kind: 'sounds', names: ['hotline/welcome'] });
    expect(planMedia('digits:12#')).toEqual({ kind: 'sounds', names: ['digits/1', 'digits/2', 'digits/pound'] });
    expect(planMedia('characters:Ab1')).toEqual({ kind: 'sounds', names: ['letters/a', 'letters/b', 'digits/1'] });
    expect(planMedia('tone:ring')).toEqual({ kind: 'endless' });
    expect(planMedia('number:x').kind).toBe('unplayable');
    expect(planMedia('http://example.com/a.wav').kind).toBe('unplayable');
    expect(numberSounds(1234)).toEqual(['digits/1', 'digits/thousand', 'digits/2', 'digits/hundred', 'digits/30', 'digits/4']);
    expect(numberSounds(-7)).toEqual(['digits/minus', 'digits/7']);
  });
});
