import { afterEach, describe, expect, it, vi } from 'vitest';
import { pino } from 'pino';
import type { AriClient } from '../../src/ari/ari-client.js';
import { AriError } from '../../src/ari/ari-error.js';
import type { CallInternals, CallWatcher, PlaybackEvent } from '../../src/call-control/ari-call.js';
import { collectDigits } from '../../src/call-control/collect-digits.js';
import { originateOutcome } from '../../src/call-control/originate-outcome.js';
import { playMedia } from '../../src/call-control/play-media.js';
import { TrackedTimers } from '../../src/call-control/tracked-timers.js';
import { ValidationError } from '../../src/errors.js';

/** A call without a switch: keys and hang-ups are fed by the test, requests recorded. */
class FakeCall implements CallInternals {
  readonly id = 'caller-1';
  gone = false;
  readonly timers = new TrackedTimers();
  readonly logger = pino({ level: 'silent' });
  readonly keys: string[] = [];
  readonly watchers = new Set<CallWatcher>();
  readonly requests: string[] = [];
  playError: unknown = null;
  readonly client = {
    channels: {
      playWithId: async (channelId: string, playbackId: string, media: readonly string[]) => {
        this.requests.push(`play ${channelId} ${media.join(',')}`);
        this.lastPlaybackId = playbackId;
        if (this.playError) throw this.playError;
        return { id: playbackId };
      },
    },
    playbacks: {
      stop: async (playbackId: string) => {
        this.requests.push(`stop ${playbackId === this.lastPlaybackId ? 'current' : playbackId}`);
      },
      get: async () => ({}),
    },
  } as unknown as AriClient;
  lastPlaybackId = '';

  /** Prompts the call counts as not over (a bridge join would stop them). */
  readonly tracked = new Set<string>();

  peekKey() { return this.keys[0]; }
  takeKey() { return this.keys.shift(); }
  trackPlayback(playbackId: string) {
    this.tracked.add(playbackId);
    return () => this.tracked.delete(playbackId);
  }
  watch(w: CallWatcher) {
    this.watchers.add(w);
    return () => this.watchers.delete(w);
  }
  press(digit: string) {
    this.keys.push(digit);
    for (const w of [...this.watchers]) w.key?.(digit);
  }
  hangUp() {
    this.gone = true;
    for (const w of [...this.watchers]) w.gone?.();
  }
  playbackFinished(state: 'done' | 'failed' = 'done') {
    const event = {
      type: 'PlaybackFinished', application: 'ivr', timestamp: '',
      playback: { id: this.lastPlaybackId, media_uri: 'sound:x', target_uri: `channel:${this.id}`, language: 'en', state },
    } as PlaybackEvent;
    for (const w of [...this.watchers]) w.playback?.(event);
  }
}

const flush = () => new Promise((r) => setImmediate(r));

afterEach(() => {
  vi.useRealTimers();
});

describe('collect', () => {
  const base = { maxDigits: 6, firstKeyTimeoutMs: 5000, interKeyTimeoutMs: 3000 };

  it('reads buffered keys first and leaves the rest buffered after the terminator', async () => {
    const call = new FakeCall();
    call.keys.push('1', '2', '#', '9');
    const result = await collectDigits(call, base);
    expect(result).toEqual({ kind: 'digits', digits: '12', terminated: true });
    expect(call.keys).toEqual(['9']);
    expect(call.watchers.size).toBe(0);
  });

  it('stops at maxDigits', async () => {
    const call = new FakeCall();
    const pending = collectDigits(call, { ...base, maxDigits: 3 });
    for (const d of '1234') call.press(d);
    expect(await pending).toEqual({ kind: 'digits', digits: '123', terminated: false });
    expect(call.keys).toEqual(['4']);
  });

  it('treats # as a digit when the terminator is null', async () => {
    const call = new FakeCall();
    call.keys.push('#');
    expect(await collectDigits(call, { ...base, maxDigits: 1, terminator: null }))
      .toEqual({ kind: 'digits', digits: '#', terminated: false });
  });

  it('times out on the first key, then on the gap between keys', async () => {
    vi.useFakeTimers();
    const call = new FakeCall();
    const none = collectDigits(call, base);
    await vi.advanceTimersByTimeAsync(4999);
    call.press('5');
    // The first key switched to the inter-key timeout.
    await vi.advanceTimersByTimeAsync(2999);
    call.press('6');
    await vi.advanceTimersByTimeAsync(3000);
    expect(await none).toEqual({ kind: 'timeout', digits: '56' });
    expect(call.timers.active).toBe(0);

    const empty = collectDigits(call, base);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await empty).toEqual({ kind: 'timeout', digits: '' });
  });

  it('resolves caller-gone when the caller hangs up, leaving no timer', async () => {
    const call = new FakeCall();
    const pending = collectDigits(call, base);
    call.press('1');
    call.hangUp();
    expect(await pending).toEqual({ kind: 'caller-gone' });
    expect(call.timers.active).toBe(0);
    expect(call.watchers.size).toBe(0);
    expect(await collectDigits(call, base)).toEqual({ kind: 'caller-gone' });
  });

  it('ends early on abort with the digits so far', async () => {
    const call = new FakeCall();
    const ac = new AbortController();
    const pending = collectDigits(call, { ...base, signal: ac.signal });
    call.press('7');
    ac.abort();
    expect(await pending).toEqual({ kind: 'timeout', digits: '7' });
    expect(call.timers.active).toBe(0);
  });

  it('rejects bad options with a message naming the option', async () => {
    const call = new FakeCall();
    await expect(collectDigits(call, { ...base, maxDigits: 0 })).rejects.toThrow(/maxDigits/);
    await expect(collectDigits(call, { ...base, firstKeyTimeoutMs: -1 })).rejects.toThrow(/firstKeyTimeoutMs/);
    await expect(collectDigits(call, { ...base, terminator: '##' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('play', () => {
  it('plays the whole media list as one playback and resolves finished', async () => {
    const call = new FakeCall();
    const pending = playMedia(call, ['sound:a', 'sound:b']);
    await flush();
    call.playbackFinished();
    expect(await pending).toEqual({ kind: 'finished' });
    expect(call.requests).toEqual(['play caller-1 sound:a,sound:b']);
    expect(call.watchers.size).toBe(0);
  });

  it('a key stops the playback and stays buffered', async () => {
    const call = new FakeCall();
    const pending = playMedia(call, ['sound:menu']);
    await flush();
    call.press('2');
    expect(await pending).toEqual({ kind: 'interrupted', digit: '2' });
    expect(call.requests).toEqual(['play caller-1 sound:menu', 'stop current']);
    expect(call.keys).toEqual(['2']);
  });

  it('a key that arrives before the play request is answered still stops the playback', async () => {
    const call = new FakeCall();
    const pending = playMedia(call, ['sound:menu']);
    call.press('3');
    expect(await pending).toEqual({ kind: 'interrupted', digit: '3' });
    expect(call.requests).toEqual(['play caller-1 sound:menu', 'stop current']);
  });

  it('a key typed ahead skips the prompt', async () => {
    const call = new FakeCall();
    call.keys.push('9');
    expect(await playMedia(call, ['sound:menu'])).toEqual({ kind: 'interrupted', digit: '9' });
    expect(call.requests).toEqual([]);
  });

  it('without barge-in, keys are buffered and the prompt plays on', async () => {
    const call = new FakeCall();
    const pending = playMedia(call, ['sound:legal'], { bargeIn: false });
    await flush();
    call.press('1');
    call.playbackFinished();
    expect(await pending).toEqual({ kind: 'finished' });
    expect(call.keys).toEqual(['1']);
    expect(call.requests).toEqual(['play caller-1 sound:legal']);
  });

  it('resolves caller-gone on hang-up, and when the play request finds the channel gone', async () => {
    const call = new FakeCall();
    const pending = playMedia(call, ['sound:a']);
    await flush();
    call.hangUp();
    expect(await pending).toEqual({ kind: 'caller-gone' });

    const other = new FakeCall();
    other.playError = AriError.fromResponse('POST', '/channels/caller-1/play/x', 404, 'Channel not found');
    expect(await playMedia(other, ['sound:a'])).toEqual({ kind: 'caller-gone' });
  });

  it('rejects other play failures', async () => {
    const call = new FakeCall();
    call.playError = AriError.fromResponse('POST', '/channels/caller-1/play/x', 500, 'Internal Server Error');
    await expect(playMedia(call, ['sound:a'])).rejects.toBeInstanceOf(AriError);
    expect(call.watchers.size).toBe(0);
  });

  it('abort stops the playback and resolves finished', async () => {
    const call = new FakeCall();
    const ac = new AbortController();
    const pending = playMedia(call, ['sound:a'], { signal: ac.signal });
    await flush();
    ac.abort();
    expect(await pending).toEqual({ kind: 'finished' });
    expect(call.requests).toEqual(['play caller-1 sound:a', 'stop current']);
  });
});

describe('originate outcome', () => {
  it('maps hang-up causes to busy, no-answer and failed', () => {
    expect(originateOutcome(17, null)).toEqual({ kind: 'busy', cause: 17 });
    expect(originateOutcome(19, null)).toEqual({ kind: 'no-answer', cause: 19 });
    expect(originateOutcome(18, null)).toEqual({ kind: 'no-answer', cause: 18 });
    expect(originateOutcome(16, 'BUSY')).toEqual({ kind: 'busy', cause: 17 });
    expect(originateOutcome(0, 'NOANSWER')).toEqual({ kind: 'no-answer', cause: 19 });
    for (const cause of [20, 3, 21, 34]) {
      const outcome = originateOutcome(cause, 'CHANUNAVAIL', 'Subscriber absent');
      expect(outcome.kind).toBe('failed');
      expect(outcome).toMatchObject({ cause });
    }
    expect(originateOutcome(20, null, 'Subscriber absent')).toEqual({
      kind: 'failed', cause: 20, message: 'not answered (cause 20, Subscriber absent)',
    });
  });
});
