import { describe, expect, it } from 'vitest';
import type { AgentStatus } from '../../src/acd/agent.js';
import { IllegalAgentTransitionError } from '../../src/acd/acd-errors.js';
import { dayOf, nextDayStart, transitionAgent, type AgentCommand } from '../../src/acd/agent-state.js';
import { ValidationError } from '../../src/errors.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const DAY = dayOf(T0);

function status(overrides: Partial<AgentStatus> = {}): AgentStatus {
  return { state: 'offline', pauseReason: null, stateSince: T0, idleSince: T0, callsToday: 0, talkMsToday: 0, day: DAY, callId: null, pending: null, ...overrides };
}

function run(start: AgentStatus, ...commands: AgentCommand[]): AgentStatus {
  let s = start;
  commands.forEach((c, i) => {
    s = transitionAgent('1001', s, c, T0 + (i + 1) * 1000, DAY);
  });
  return s;
}

describe('agent state machine', () => {
  it('goes through a whole call: login, reserve, ring, answer, hang up, wrap-up, available', () => {
    const s = run(status(),
      { type: 'login' }, { type: 'reserve', callId: 'c-1' }, { type: 'ring' }, { type: 'answer' },
      { type: 'hangup', talkMs: 61_500 }, { type: 'wrap-up-done' });
    expect(s).toMatchObject({ state: 'available', callsToday: 1, talkMsToday: 61_500, callId: null, idleSince: T0 + 6000, stateSince: T0 + 6000 });
  });

  it('logging in not ready pauses the agent with reason "not ready"', () => {
    expect(run(status(), { type: 'login', ready: false })).toMatchObject({ state: 'paused', pauseReason: 'not ready' });
  });

  it.each([
    ['no-answer', 'no answer'],
    ['busy', 'busy'],
    ['unreachable', 'unreachable'],
    ['failed', 'dial failed'],
  ] as const)('a refused offer (%s) pauses the agent with reason "%s"', (result, reason) => {
    const s = run(status(), { type: 'login' }, { type: 'reserve', callId: 'c-1' }, { type: 'ring' }, { type: 'refuse', result });
    expect(s).toMatchObject({ state: 'paused', pauseReason: reason, callId: null });
  });

  it('a released offer makes the agent available again keeping their idle time (no penalty)', () => {
    const s = run(status(), { type: 'login' }, { type: 'reserve', callId: 'c-1' }, { type: 'ring' }, { type: 'release' });
    expect(s).toMatchObject({ state: 'available', idleSince: T0 + 1000, callId: null });
  });

  it('a pause asked for during a call is kept pending and applied at the end of wrap-up', () => {
    const onCall = run(status(), { type: 'login' }, { type: 'reserve', callId: 'c-1' }, { type: 'ring' }, { type: 'answer' }, { type: 'pause', reason: 'lunch' });
    expect(onCall).toMatchObject({ state: 'on-call', pending: { kind: 'pause', reason: 'lunch' } });
    const after = run(onCall, { type: 'hangup', talkMs: 10 }, { type: 'wrap-up-done' });
    expect(after).toMatchObject({ state: 'paused', pauseReason: 'lunch', pending: null });
  });

  it('a logout asked for while ringing applies when the offer ends, even unanswered', () => {
    const ringing = run(status(), { type: 'login' }, { type: 'reserve', callId: 'c-1' }, { type: 'ring' }, { type: 'logout' });
    expect(ringing.state).toBe('ringing');
    expect(run(ringing, { type: 'refuse', result: 'no-answer' }).state).toBe('offline');
  });

  it('ready during a call takes back a pending pause', () => {
    const s = run(status(), { type: 'login' }, { type: 'reserve', callId: 'c-1' }, { type: 'pause', reason: 'break' }, { type: 'ready' });
    expect(s).toMatchObject({ state: 'reserved', pending: null });
  });

  it('ready and pause during wrap-up apply at once', () => {
    const wrap = run(status(), { type: 'login' }, { type: 'reserve', callId: 'c' }, { type: 'ring' }, { type: 'answer' }, { type: 'hangup', talkMs: 1 });
    expect(run(wrap, { type: 'ready' }).state).toBe('available');
    expect(run(wrap, { type: 'pause', reason: 'coaching' })).toMatchObject({ state: 'paused', pauseReason: 'coaching' });
  });

  it('the daily counters restart on a new day', () => {
    const yesterday = status({ state: 'available', callsToday: 40, talkMsToday: 9_000_000, day: '2026-01-04' });
    const s = transitionAgent('1001', yesterday, { type: 'reserve', callId: 'c' }, T0, DAY);
    expect(s).toMatchObject({ callsToday: 0, talkMsToday: 0, day: DAY });
  });

  it.each<[AgentStatus['state'], AgentCommand]>([
    ['offline', { type: 'ready' }],
    ['offline', { type: 'pause', reason: 'x' }],
    ['offline', { type: 'logout' }],
    ['available', { type: 'login' }],
    ['available', { type: 'ready' }],
    ['available', { type: 'ring' }],
    ['available', { type: 'answer' }],
    ['paused', { type: 'reserve', callId: 'c' }],
    ['reserved', { type: 'answer' }],
    ['ringing', { type: 'hangup', talkMs: 1 }],
    ['on-call', { type: 'release' }],
    ['on-call', { type: 'wrap-up-done' }],
    ['wrap-up', { type: 'reserve', callId: 'c' }],
  ])('rejects %s → %o with a 409 illegal-agent-transition', (state, command) => {
    const from = status({ state, callId: state === 'offline' || state === 'available' || state === 'paused' ? null : 'c' });
    let error: unknown;
    try {
      transitionAgent('1001', from, command, T0, DAY);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(IllegalAgentTransitionError);
    expect(error).toMatchObject({ status: 409, code: 'illegal-agent-transition', details: { agent: '1001', from: state, command: command.type } });
  });

  it('rejects a pause without a reason as bad input', () => {
    expect(() => transitionAgent('1001', status({ state: 'available' }), { type: 'pause', reason: '  ' }, T0, DAY)).toThrow(ValidationError);
  });

  it('computes the local day and the next midnight', () => {
    const d = new Date(2026, 2, 31, 23, 59, 59).getTime();
    expect(dayOf(d)).toBe('2026-03-31');
    expect(dayOf(nextDayStart(d))).toBe('2026-04-01');
    expect(nextDayStart(d) - d).toBe(1000);
  });
});
