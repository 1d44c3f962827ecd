import { describe, expect, it } from 'vitest';
import type { Call } from '../../src/call-control/call-control.js';
import { IllegalCallPhaseError, LiveCall, type Offer } from '../../src/acd/live-call.js';

function liveCall(): LiveCall {
  return new LiveCall('c1', { id: 'c1', callerNumber: '+4930123' } as unknown as Call, 'general', 'standard', 0, 0, {});
}

function anOffer(agent = 'a1'): Offer {
  return { agent, abort: new AbortController(), done: Promise.resolve() };
}

describe('the phase of a live call', () => {
  it('goes waiting → offering → bridged → done for a call an agent answers', () => {
    const live = liveCall();
    expect(live.phase).toBe('waiting');
    expect(live.startOffer(anOffer('a7'))).toBe(true);
    expect(live.phase).toBe('offering');
    expect(live.agentId).toBe('a7');
    expect(live.answered()).toBe(true);
    expect(live.phase).toBe('bridged');
    live.done();
    expect(live.phase).toBe('done');
  });

  it('goes back to waiting when the agent does not take the call, and may be offered again', () => {
    const live = liveCall();
    live.startOffer(anOffer());
    expect(live.backToWaiting()).toBe(true);
    expect(live.phase).toBe('waiting');
    expect(live.startOffer(anOffer('a2'))).toBe(true);
  });

  it('rejoins a bridge from waiting only (a call found talking after a restart)', () => {
    const live = liveCall();
    expect(live.rejoinedBridge()).toBe(true);
    expect(live.phase).toBe('bridged');
    expect(() => live.rejoinedBridge()).toThrow(IllegalCallPhaseError);
  });

  it('refuses changes no flow makes: offering twice, answering a call nobody was offered', () => {
    const live = liveCall();
    expect(() => live.answered()).toThrow(IllegalCallPhaseError);
    live.startOffer(anOffer());
    expect(() => live.startOffer(anOffer())).toThrow(IllegalCallPhaseError);
  });

  it('stays done once closed: a flow still running after the ACD stopped does not bring it back', () => {
    const live = liveCall();
    live.startOffer(anOffer());
    live.close();
    expect(live.backToWaiting()).toBe(false);
    expect(live.answered()).toBe(false);
    expect(live.phase).toBe('done');
  });
});
