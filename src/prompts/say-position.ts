import { ordinalIds } from './integer-words.js';
import { toWhole } from './decimal.js';
import type { Lang, Spoken } from './spoken.js';
import { fromWords } from './words.js';

/**
 * A caller's place in the queue (1 = next): 第三位 / third in line, said after
 * hold/your-position (您目前排在 / You are now).
 */
export function sayPosition(value: number, lang: Lang): Spoken {
  const d = toWhole(value, 'a queue position', 1);
  return fromWords([...ordinalIds(d.whole, lang), 'unit/place'], lang);
}
