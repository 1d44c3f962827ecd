/** Pauses added inside a prompt, after its punctuation, on top of the synthesiser's own. */
export interface Pauses {
  /** After a comma, an enumeration comma, a semicolon or a colon. */
  clauseMs: number;
  /** After a full stop, an exclamation mark or a question mark. */
  sentenceMs: number;
}

/** Mandarin marks end a clause wherever they stand; ASCII ones only before a space ("1.5" is a number). */
const CLAUSE_MARKS = new Set(['，', '、', '；', '：', ',', ';', ':']);
const SENTENCE_MARKS = new Set(['。', '！', '？', '.', '!', '?']);
const FULL_WIDTH = /[\u3000-\u303f\uff00-\uffef]/;
const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * A prompt text as SSML for espeak-ng (`-m`), with a break after each clause
 * and sentence inside it. At a natural speaking rate espeak-ng's own pauses
 * shrink with its words, to 50–90 ms at a Mandarin comma, which runs sentences
 * together over a phone line; the breaks give the pauses back without slowing
 * the words. Nothing is added at the end: the silence there is trimmed anyway
 * and the pad after the prompt is chosen by whether it ends a sentence.
 */
export function speechMarkup(text: string, pauses: Pauses): string {
  const chars = [...text.trim()];
  let out = '';
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!;
    out += XML_ESCAPES[char] ?? char;
    const last = i === chars.length - 1;
    if (last || (!FULL_WIDTH.test(char) && !/\s/.test(chars[i + 1]!))) continue;
    const ms = CLAUSE_MARKS.has(char) ? pauses.clauseMs : SENTENCE_MARKS.has(char) ? pauses.sentenceMs : 0;
    if (ms > 0) out += `<break time="${Math.round(ms)}ms"/>`;
  }
  return `<speak>${out}</speak>`;
}

/** Whether a prompt text ends a sentence or a clause, rather than running into a value or the next word. */
export function endsWithPunctuation(text: string): boolean {
  const last = [...text.trim()].at(-1) ?? '';
  return CLAUSE_MARKS.has(last) || SENTENCE_MARKS.has(last);
}
