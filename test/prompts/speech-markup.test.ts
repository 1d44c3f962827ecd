import { describe, expect, it } from 'vitest';
import { endsWithPunctuation, speechMarkup } from '../../src/prompts/speech-markup.js';

const pauses = { clauseMs: 120, sentenceMs: 250 };

describe('speechMarkup', () => {
  it('puts a break after each Mandarin clause and sentence inside the text, none at its end', () => {
    expect(speechMarkup('当前等待时间较长。回电到本机号码请按1，继续等待请按其他键。', pauses)).toBe(
      '<speak>当前等待时间较长。<break time="250ms"/>回电到本机号码请按1，<break time="120ms"/>继续等待请按其他键。</speak>',
    );
    expect(speechMarkup('话费、积分；订单：', pauses)).toBe(
      '<speak>话费、<break time="120ms"/>积分；<break time="120ms"/>订单：</speak>',
    );
  });

  it('breaks after English punctuation only where a space follows it', () => {
    expect(speechMarkup('Sorry, all our agents are busy. Please call again later.', pauses)).toBe(
      '<speak>Sorry,<break time="120ms"/> all our agents are busy.<break time="250ms"/> Please call again later.</speak>',
    );
    expect(speechMarkup('Press 1.5 or 1,000 now', pauses)).toBe('<speak>Press 1.5 or 1,000 now</speak>');
  });

  it('adds nothing for a pause of zero, and escapes what SSML would read as markup', () => {
    expect(speechMarkup('Bills & fees, <press> 1.', { clauseMs: 0, sentenceMs: 0 })).toBe('<speak>Bills &amp; fees, &lt;press&gt; 1.</speak>');
  });

  it('ignores the spaces around a text', () => {
    expect(speechMarkup('  再见！ ', pauses)).toBe('<speak>再见！</speak>');
  });
});

describe('endsWithPunctuation', () => {
  it('tells a sentence or clause from a fragment that a value follows', () => {
    expect(endsWithPunctuation('感谢您的来电，再见！')).toBe(true);
    expect(endsWithPunctuation('in arrears,')).toBe(true);
    expect(endsWithPunctuation('Thank you. ')).toBe(true);
    expect(endsWithPunctuation('您的话费余额为')).toBe(false);
    expect(endsWithPunctuation('Your balance is')).toBe(false);
    expect(endsWithPunctuation('七')).toBe(false);
  });
});
