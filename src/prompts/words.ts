import { ValidationError } from '../errors.js';
import { joinTexts, LANGS, type Lang, type Spoken } from './spoken.js';

/**
 * The word prompts that spoken values are made of, with the text of each. The
 * manifest (config/prompts.yaml) lists the same ids with the same texts, so the
 * audio exists and the text we log is the text the caller hears; a test keeps
 * the two in step. An id means the same in both languages even where only one
 * language's composition uses it (num/10k is 万 and "ten thousand"; English
 * numbers are built from thousand/million instead).
 */
export const WORDS: Readonly<Record<string, { readonly zh: string; readonly en: string }>> = {
  'num/0': { zh: '零', en: 'zero' },
  'num/1': { zh: '一', en: 'one' },
  'num/2': { zh: '二', en: 'two' },
  'num/3': { zh: '三', en: 'three' },
  'num/4': { zh: '四', en: 'four' },
  'num/5': { zh: '五', en: 'five' },
  'num/6': { zh: '六', en: 'six' },
  'num/7': { zh: '七', en: 'seven' },
  'num/8': { zh: '八', en: 'eight' },
  'num/9': { zh: '九', en: 'nine' },
  'num/10': { zh: '十', en: 'ten' },
  'num/11': { zh: '十一', en: 'eleven' },
  'num/12': { zh: '十二', en: 'twelve' },
  'num/13': { zh: '十三', en: 'thirteen' },
  'num/14': { zh: '十四', en: 'fourteen' },
  'num/15': { zh: '十五', en: 'fifteen' },
  'num/16': { zh: '十六', en: 'sixteen' },
  'num/17': { zh: '十七', en: 'seventeen' },
  'num/18': { zh: '十八', en: 'eighteen' },
  'num/19': { zh: '十九', en: 'nineteen' },
  'num/20': { zh: '二十', en: 'twenty' },
  'num/30': { zh: '三十', en: 'thirty' },
  'num/40': { zh: '四十', en: 'forty' },
  'num/50': { zh: '五十', en: 'fifty' },
  'num/60': { zh: '六十', en: 'sixty' },
  'num/70': { zh: '七十', en: 'seventy' },
  'num/80': { zh: '八十', en: 'eighty' },
  'num/90': { zh: '九十', en: 'ninety' },
  'num/100': { zh: '百', en: 'hundred' },
  'num/1000': { zh: '千', en: 'thousand' },
  'num/10k': { zh: '万', en: 'ten thousand' },
  'num/100m': { zh: '亿', en: 'hundred million' },
  'num/million': { zh: '百万', en: 'million' },
  'num/billion': { zh: '十亿', en: 'billion' },
  /** 两: two of something counted with a measure word (两分钟, 两位). */
  'num/2-count': { zh: '两', en: 'two' },
  /** 幺: one when reading a string of digits (phone numbers), so it is not heard as 七. */
  'num/1-phone': { zh: '幺', en: 'one' },

  'ord/1': { zh: '第一', en: 'first' },
  'ord/2': { zh: '第二', en: 'second' },
  'ord/3': { zh: '第三', en: 'third' },
  'ord/4': { zh: '第四', en: 'fourth' },
  'ord/5': { zh: '第五', en: 'fifth' },
  'ord/6': { zh: '第六', en: 'sixth' },
  'ord/7': { zh: '第七', en: 'seventh' },
  'ord/8': { zh: '第八', en: 'eighth' },
  'ord/9': { zh: '第九', en: 'ninth' },
  'ord/10': { zh: '第十', en: 'tenth' },
  'ord/11': { zh: '第十一', en: 'eleventh' },
  'ord/12': { zh: '第十二', en: 'twelfth' },
  'ord/13': { zh: '第十三', en: 'thirteenth' },
  'ord/14': { zh: '第十四', en: 'fourteenth' },
  'ord/15': { zh: '第十五', en: 'fifteenth' },
  'ord/16': { zh: '第十六', en: 'sixteenth' },
  'ord/17': { zh: '第十七', en: 'seventeenth' },
  'ord/18': { zh: '第十八', en: 'eighteenth' },
  'ord/19': { zh: '第十九', en: 'nineteenth' },
  'ord/20': { zh: '第二十', en: 'twentieth' },
  'ord/30': { zh: '第三十', en: 'thirtieth' },
  'ord/40': { zh: '第四十', en: 'fortieth' },
  'ord/50': { zh: '第五十', en: 'fiftieth' },
  'ord/60': { zh: '第六十', en: 'sixtieth' },
  'ord/70': { zh: '第七十', en: 'seventieth' },
  'ord/80': { zh: '第八十', en: 'eightieth' },
  'ord/90': { zh: '第九十', en: 'ninetieth' },
  'ord/100': { zh: '第一百', en: 'hundredth' },
  'ord/1000': { zh: '第一千', en: 'thousandth' },
  'ord/million': { zh: '第一百万', en: 'millionth' },
  'ord/billion': { zh: '第十亿', en: 'billionth' },

  'month/1': { zh: '一月', en: 'January' },
  'month/2': { zh: '二月', en: 'February' },
  'month/3': { zh: '三月', en: 'March' },
  'month/4': { zh: '四月', en: 'April' },
  'month/5': { zh: '五月', en: 'May' },
  'month/6': { zh: '六月', en: 'June' },
  'month/7': { zh: '七月', en: 'July' },
  'month/8': { zh: '八月', en: 'August' },
  'month/9': { zh: '九月', en: 'September' },
  'month/10': { zh: '十月', en: 'October' },
  'month/11': { zh: '十一月', en: 'November' },
  'month/12': { zh: '十二月', en: 'December' },

  'word/minus': { zh: '负', en: 'minus' },
  'word/point': { zh: '点', en: 'point' },
  'word/arrears': { zh: '欠费', en: 'in arrears,' },
  'word/oh': { zh: '零', en: 'oh' },
  'word/plus': { zh: '加', en: 'plus' },
  'word/ordinal': { zh: '第', en: 'number' },
  'word/year': { zh: '年', en: 'year' },
  'word/day': { zh: '日', en: 'day' },

  'unit/yuan': { zh: '元', en: 'yuan' },
  'unit/fen': { zh: '分', en: 'fen' },
  'unit/hour': { zh: '小时', en: 'hour' },
  'unit/hours': { zh: '小时', en: 'hours' },
  'unit/minute': { zh: '分钟', en: 'minute' },
  'unit/minutes': { zh: '分钟', en: 'minutes' },
  'unit/second': { zh: '秒', en: 'second' },
  'unit/seconds': { zh: '秒', en: 'seconds' },
  'unit/point': { zh: '分', en: 'point' },
  'unit/points': { zh: '分', en: 'points' },
  'unit/place': { zh: '位', en: 'in line' },
};

/** Builds the Spoken for a list of word ids. */
export function fromWords(ids: string[], lang: Lang): Spoken {
  if (!LANGS.includes(lang)) {
    throw new ValidationError(`cannot speak language ${JSON.stringify(lang)}: use ${LANGS.join(' or ')}`, { lang });
  }
  const texts = ids.map((id) => {
    const word = WORDS[id];
    // Only our own compositions call this; an unknown id is a bug in them, not bad input.
    if (!word) throw new Error(`no word prompt ${id}`);
    return word[lang];
  });
  return { ids, text: joinTexts(texts, lang) };
}
