/** The languages callers hear: Mandarin first, English second. */
export type Lang = 'zh' | 'en';

export const LANGS: readonly Lang[] = ['zh', 'en'];

/**
 * A value put into words: the word prompts to play, in order, and the text they
 * make together (for logs, the call tool and tests).
 */
export interface Spoken {
  ids: string[];
  text: string;
}

/** Mandarin words run together; English words are separated by spaces. */
export function joinTexts(texts: readonly string[], lang: Lang): string {
  return texts.join(lang === 'zh' ? '' : ' ');
}
