import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { CollectOptions, CollectResult, PlayOptions, PlayResult } from '../../src/call-control/call-control.js';
import { allFlows, dialogueFlows } from '../../src/flows/all-flows.js';
import { validateFlows } from '../../src/flows/validate-flows.js';
import { loadPromptManifest } from '../../src/prompts/prompt-manifest.js';
import { runDialogue } from '../../src/flows/run-dialogue.js';
import type { DialogueLine } from '../../src/flows/dialogue-context.js';
import { FakeCall } from '../acd/support/fake-call-control.js';

const flows = validateFlows([...allFlows, ...dialogueFlows], loadPromptManifest('config/prompts.yaml'));

/** A line whose caller presses the scripted keys, one answer per wait for keys ('' = silence). */
class ScriptedCall extends FakeCall {
  readonly heard: string[] = [];
  readonly waits: CollectOptions[] = [];
  constructor(callerNumber: string, private readonly answers: string[]) {
    super('c1', callerNumber);
  }
  override async play(media: readonly string[] = [], _options?: PlayOptions): Promise<PlayResult> {
    this.heard.push(...media.map((m) => m.replace(/^sound:hotline\//, '')));
    return super.play();
  }
  override async collect(options?: CollectOptions): Promise<CollectResult> {
    if (options) this.waits.push(options);
    const next = this.answers.shift();
    if (next === undefined || next === '') return { kind: 'timeout', digits: '' };
    return { kind: 'digits', digits: next, terminated: false };
  }
}

function line(call: ScriptedCall): DialogueLine {
  return { call, log: pino({ level: 'silent' }), callerNumber: call.callerNumber, lang: 'en', vars: {} };
}

describe('the callback offer run as a dialogue flow', () => {
  it('when the caller presses 1, the callback goes to the number they call from', async () => {
    const call = new ScriptedCall('13800000001', ['1']);
    const end = await runDialogue(line(call), flows, { flow: 'callback-offer' }, { timeScale: 1 });
    expect(end).toEqual({ kind: 'done', result: 'callback-to-caller-number' });
    expect(call.heard).toEqual(['cb/offer']);
    expect(call.waits[0]).toMatchObject({ maxDigits: 1, terminator: null, firstKeyTimeoutMs: 5000, interKeyTimeoutMs: 1000 });
  });

  it('when the caller enters another number and confirms it, the number is read back and kept', async () => {
    const call = new ScriptedCall('13800000001', ['2', '123', '02112345', '1']);
    const l = line(call);
    const end = await runDialogue(l, flows, { flow: 'callback-offer' }, { timeScale: 0.5 });
    expect(end).toEqual({ kind: 'done', result: 'callback-to-entered-number' });
    expect(l.vars.callbackNumber).toBe('02112345');
    expect(call.heard[0]).toBe('cb/offer');
    expect(call.heard.slice(1, 4)).toEqual(['cb/enter-number', 'common/invalid-choice', 'cb/enter-number']);
    expect(call.heard[4]).toBe('cb/number-is');
    expect(call.heard.at(-1)).toBe('cb/confirm-number');
    // Timeouts come from the flow, scaled for a time-compressed run.
    expect(call.waits[1]).toMatchObject({ maxDigits: 15, terminator: '#', firstKeyTimeoutMs: 4000, interKeyTimeoutMs: 2000 });
  });

  it('when the number is withheld, the caller is asked for one straight away', async () => {
    const call = new ScriptedCall('anonymous', ['', '', '']);
    const end = await runDialogue(line(call), flows, { flow: 'callback-offer' }, { timeScale: 1 });
    expect(end).toEqual({ kind: 'done', result: 'keep-waiting' });
    expect(call.heard).toEqual([
      'cb/withheld-enter-number',
      'cb/enter-number', 'common/invalid-choice',
      'cb/enter-number', 'common/invalid-choice',
      'cb/enter-number', 'common/invalid-choice',
    ]);
  });

  it('when the wait ends during the offer, the dialogue stops', async () => {
    const call = new ScriptedCall('13800000001', ['1']);
    const ctl = new AbortController();
    ctl.abort();
    const end = await runDialogue(line(call), flows, { flow: 'callback-offer' }, { timeScale: 1, signal: ctl.signal });
    expect(end).toEqual({ kind: 'stopped' });
    expect(call.heard).toEqual([]);
  });

  it('a call flow cannot be run as a dialogue', async () => {
    const call = new ScriptedCall('13800000001', []);
    await expect(runDialogue(line(call), flows, { flow: 'self-service' }, { timeScale: 1 })).rejects.toThrow(/no dialogue flow self-service/);
  });
});

describe('the survey run as a dialogue flow', () => {
  it('when the customer presses a score, it is kept and they are thanked', async () => {
    const call = new ScriptedCall('13800000001', ['4']);
    const l = line(call);
    const end = await runDialogue(l, flows, { flow: 'survey' }, { timeScale: 1 });
    expect(end).toEqual({ kind: 'done', result: 'thanked' });
    expect(l.vars.surveyAnswer).toBe('4');
    expect(call.heard).toEqual(['survey/intro', 'survey/question', 'survey/thanks']);
    expect(call.waits[0]).toMatchObject({ maxDigits: 1, terminator: null, firstKeyTimeoutMs: 8000, interKeyTimeoutMs: 1000 });
  });

  it('when the customer says nothing, the question is asked twice, each miss answered, then the thanks', async () => {
    const call = new ScriptedCall('13800000001', ['', '7']);
    const l = line(call);
    const end = await runDialogue(l, flows, { flow: 'survey' }, { timeScale: 1 });
    expect(end).toEqual({ kind: 'done', result: 'thanked' });
    expect(l.vars.surveyAnswer).toBeUndefined();
    expect(call.heard).toEqual(['survey/intro', 'survey/question', 'common/no-input', 'survey/question', 'common/invalid-choice', 'survey/thanks']);
  });

  it('when the customer presses 0, the comment is announced and handed back before the thanks', async () => {
    const call = new ScriptedCall('13800000001', ['0']);
    const l = line(call);
    expect(await runDialogue(l, flows, { flow: 'survey' }, { timeScale: 1 })).toEqual({ kind: 'done', result: 'comment-taken' });
    expect(await runDialogue(l, flows, { flow: 'survey', step: 'thanks' }, { timeScale: 1 })).toEqual({ kind: 'done', result: 'thanked' });
    expect(call.heard).toEqual(['survey/intro', 'survey/question', 'survey/comment', 'survey/thanks']);
  });
});
