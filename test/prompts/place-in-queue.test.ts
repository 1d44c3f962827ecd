import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { placeInQueueIds } from '../../src/prompts/place-in-queue.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';

const manifest = loadPromptManifest('config/prompts.yaml');
const heard = (position: number, lang: 'zh' | 'en') => manifest.compose(lang, ...placeInQueueIds(position, lang)).text;

describe('a waiting caller\'s place in the queue', () => {
  it('at the head of the queue, the caller hears "you are next", not "0 callers ahead"', () => {
    expect(placeInQueueIds(1, 'zh')).toEqual(['hold/you-are-next']);
    expect(heard(1, 'zh')).toBe('您是下一位，请不要挂机。');
    expect(heard(1, 'en')).toBe('You are next. Please stay on the line.');
  });

  it.each([
    [2, '您前面还有一位客户在等待。', 'The number of callers ahead of you is one Please stay on the line.'],
    [3, '您前面还有两位客户在等待。', 'The number of callers ahead of you is two Please stay on the line.'],
    [13, '您前面还有十二位客户在等待。', 'The number of callers ahead of you is twelve Please stay on the line.'],
  ])('behind others, at place %s the caller hears how many are ahead: %s', (position, zh, en) => {
    expect(heard(position, 'zh')).toBe(zh);
    expect(heard(position, 'en')).toBe(en);
  });

  it.each([0, -1, 1.5])('refuses the place %s, which no waiting caller has', (position) => {
    expect(() => placeInQueueIds(position, 'zh')).toThrow(ValidationError);
  });
});
