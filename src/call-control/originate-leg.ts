import { randomUUID } from 'node:crypto';
import type { AriClient } from '../ari/ari-client.js';
import { AriError } from '../ari/ari-error.js';
import type { AriEvents } from '../ari/ari-events.js';
import { isChannelGone } from '../ari/is-channel-gone.js';
import { HangupCause, type Channel } from '../ari/models.js';
import { ValidationError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { AriCall } from './ari-call.js';
import type { OriginateOptions, OriginateResult } from './call-control.js';
import { originateOutcome } from './originate-outcome.js';
import type { TrackedTimers } from './tracked-timers.js';

export interface OriginateDeps {
  client: AriClient;
  events: AriEvents;
  app: string;
  timers: TrackedTimers;
  logger: Logger;
  /** Ids being originated: their StasisStart is an answer, not a new incoming call. */
  originating: Set<string>;
  /** Ids of calls already adopted (a chosen id must not clash). */
  isKnown(channelId: string): boolean;
  /** Turns the answered channel into a Call. */
  adopt(channel: Channel, args: readonly string[]): AriCall;
  /** Extra wait after the ring timeout for Asterisk's final event before we ask ourselves. */
  graceMs: number;
}

/**
 * Rings one leg (an agent, a callback) and waits for the outcome:
 * - answered: the channel enters our Stasis app (StasisStart) and becomes a Call;
 * - busy / no-answer / failed: it is destroyed without entering Stasis, and the
 *   ChannelDestroyed cause says why (17 busy, 19 no answer after the ring timeout);
 * - cancelled: the signal was aborted while ringing, and we hang the leg up.
 * The originating app is subscribed to the new channel by Asterisk itself, so its
 * ChannelDestroyed reaches us even though the channel is not in Stasis.
 */
export function originateLeg(deps: OriginateDeps, options: OriginateOptions): Promise<OriginateResult> {
  const problem = checkOptions(options);
  if (problem) return Promise.reject(new ValidationError(`originate: ${problem}`, { endpoint: options?.endpoint }));
  const channelId = options.channelId ?? randomUUID();
  if (deps.originating.has(channelId) || deps.isKnown(channelId)) {
    return Promise.reject(new ValidationError(`originate: channel id ${channelId} is already in use`, { channelId }));
  }
  const { signal } = options;
  if (signal?.aborted) return Promise.resolve({ kind: 'cancelled' });
  const log = deps.logger.child({ channelId, endpoint: options.endpoint });

  return new Promise<OriginateResult>((resolve) => {
    let settled = false;
    let accepted = false;
    let cancelling = false;
    let dialStatus: string | null = null;
    let cancelGuard = () => {};

    const finish = (result: OriginateResult) => {
      if (settled) return;
      settled = true;
      off();
      cancelGuard();
      signal?.removeEventListener('abort', onAbort);
      deps.originating.delete(channelId);
      log.debug({ outcome: result.kind }, 'originate finished');
      resolve(result);
    };
    const hangUpLeg = async () => {
      try {
        await deps.client.channels.hangup(channelId, 'normal');
      } catch (err) {
        if (!isChannelGone(err)) log.warn({ err }, 'could not hang up the originated leg');
      }
    };
    const cancel = async () => {
      await hangUpLeg();
      finish({ kind: 'cancelled' });
    };
    const onAbort = () => {
      if (settled || cancelling) return;
      cancelling = true;
      if (accepted) void cancel();
    };

    deps.originating.add(channelId);
    const off = deps.events.onChannel(channelId, (event) => {
      switch (event.type) {
        case 'StasisStart':
          // Answered while we were hanging it up: the hang-up in flight ends it.
          if (cancelling) return;
          finish({ kind: 'answered', call: deps.adopt(event.channel, event.args ?? []) });
          return;
        case 'Dial':
          if (event.peer?.id === channelId && event.dialstatus) dialStatus = event.dialstatus;
          return;
        case 'ChannelDestroyed':
          finish(cancelling ? { kind: 'cancelled' } : originateOutcome(event.cause ?? null, dialStatus, event.cause_txt));
          return;
        default:
          return;
      }
    }, deps.app);
    signal?.addEventListener('abort', onAbort, { once: true });

    deps.client.channels.originateWithId(channelId, {
      endpoint: options.endpoint,
      app: deps.app,
      appArgs: options.args,
      callerId: options.callerId,
      timeout: options.timeoutSec,
      variables: options.variables,
    }).then(
      () => {
        accepted = true;
        if (settled) return;
        if (cancelling) {
          void cancel();
          return;
        }
        cancelGuard = deps.timers.start(() => void checkAfterTimeout(), options.timeoutSec * 1000 + deps.graceMs);
      },
      (err: unknown) => {
        if (settled) return;
        const timedOut = err instanceof AriError && err.code === 'ari-timeout';
        // A timed-out originate may still ring somebody: make sure it does not.
        if (timedOut) void hangUpLeg();
        if (cancelling) {
          finish({ kind: 'cancelled' });
          return;
        }
        const message = err instanceof AriError ? err.ariMessage || err.message : String(err);
        log.warn({ err }, 'originate request failed');
        finish({ kind: 'failed', cause: null, message });
      },
    );

    /**
     * Neither StasisStart nor ChannelDestroyed arrived in time (events lost while
     * the connection was down): ask Asterisk what became of the leg.
     */
    async function checkAfterTimeout(): Promise<void> {
      if (settled) return;
      let channel: Channel;
      try {
        channel = await deps.client.channels.get(channelId);
      } catch (err) {
        if (err instanceof AriError && err.ariStatus === 404) {
          finish(originateOutcome(null, dialStatus, 'the leg ended without a final event'));
        } else {
          log.warn({ err }, 'could not check an originated leg after its ring timeout');
          await hangUpLeg();
          finish({ kind: 'failed', cause: null, message: 'could not learn the outcome of the originate' });
        }
        return;
      }
      if (settled) return;
      if (channel.state === 'Up' && channel.dialplan?.app_name === 'Stasis') {
        finish({ kind: 'answered', call: deps.adopt(channel, options.args ?? []) });
        return;
      }
      await hangUpLeg();
      finish({ kind: 'no-answer', cause: HangupCause.NoAnswer });
    }
  });
}

function checkOptions(options: OriginateOptions): string | null {
  if (!options || typeof options !== 'object') return 'options are required';
  if (typeof options.endpoint !== 'string' || !/^[^\s,]+$/.test(options.endpoint)) {
    return `endpoint must be a dial string such as PJSIP/1001, got ${JSON.stringify(options.endpoint)}`;
  }
  if (!Number.isInteger(options.timeoutSec) || options.timeoutSec < 1) return 'timeoutSec must be a whole number of seconds >= 1';
  if (options.channelId !== undefined && (typeof options.channelId !== 'string' || options.channelId === '')) {
    return 'channelId must be a non-empty string';
  }
  if (options.variables && Object.values(options.variables).some((v) => typeof v !== 'string')) {
    return 'variables must map names to strings';
  }
  if (options.args && options.args.some((a) => typeof a !== 'string' || a.includes(','))) {
    return 'args must be strings without commas';
  }
  return null;
}
