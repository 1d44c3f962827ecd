import { toWhole } from './decimal.js';
import { sayCount } from './say-count.js';
import type { Lang } from './spoken.js';

/**
 * What a waiting caller hears about their place in the queue (1 = at the
 * head): "you are next" at the head, where "0 callers ahead of you" would
 * sound like a fault; otherwise how many callers are ahead (您前面还有 [两]
 * 位客户在等待 / The number of callers ahead of you is [two]).
 */
export function placeInQueueIds(position: number, lang: Lang): string[] {
  const ahead = Number(toWhole(position, 'a queue position', 1).whole) - 1;
  if (ahead === 0) return ['hold/you-are-next'];
  return ['hold/position-prefix', ...sayCount(ahead, lang).ids, 'hold/position-suffix'];
}
