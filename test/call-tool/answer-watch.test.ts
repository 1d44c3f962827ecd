import { describe, expect, it } from 'vitest';
import { AnswerWatch } from '../../src/call-tool/answer-watch.js';

const balance = { kind: 'self-service', item: 'balance' } as const;

/** Feeds events in the order the call tool receives them; returns when the answer counted as heard (index), or -1. */
function heardAt(events: Array<['keys'] | ['outcome', object] | ['started' | 'finished', string]>): number {
  const watch = new AnswerWatch();
  for (const [i, [kind, arg]] of events.entries()) {
    if (kind === 'keys') watch.lastKeysSent();
    else if (kind === 'outcome') watch.outcome(arg as typeof balance);
    else if (kind === 'started') watch.playbackStarted(arg as string);
    else watch.playbackFinished(arg as string);
    if (watch.answerHeard) return i;
  }
  return -1;
}

describe('telling when the caller has heard the answer to a published outcome', () => {
  it('the variable set before the answer plays (nothing playing): heard when the answer\'s playback finishes', () => {
    expect(heardAt([
      ['keys'], ['outcome', balance], ['started', 'answer'], ['started', 'answer'], ['finished', 'answer'],
      ['started', 'anything-else'],
    ])).toBe(4);
  });

  it('the variable set held behind a prompt still playing (Asterisk runs it after the prompt): the answer is what plays after, not that prompt', () => {
    expect(heardAt([
      ['keys'], ['started', 'password-ok'], ['finished', 'password-ok'], ['outcome', balance],
      ['started', 'answer'], ['finished', 'answer'],
    ])).toBe(5);
  });

  it('the variable set held behind the answer itself: heard at the end of the next prompt, one prompt late rather than early', () => {
    expect(heardAt([
      ['keys'], ['started', 'answer'], ['finished', 'answer'], ['outcome', balance],
      ['started', 'anything-else'], ['finished', 'anything-else'],
    ])).toBe(5);
  });

  it('an answer given before the last keys does not count: the keys after it ask for something else', () => {
    expect(heardAt([
      ['outcome', balance], ['started', 'balance'], ['finished', 'balance'],
      ['keys'], ['outcome', { kind: 'self-service', item: 'points' }], ['started', 'points'], ['finished', 'points'],
    ])).toBe(6);
  });

  it('an outcome that the service does not answer with a prompt (queued) never counts as heard', () => {
    expect(heardAt([
      ['keys'], ['outcome', { kind: 'queued', queue: 'billing', priority: 20, tier: 'standard' }],
      ['started', 'connecting'], ['finished', 'connecting'],
    ])).toBe(-1);
  });
});
