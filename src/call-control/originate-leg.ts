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
import { originateOutcome, switchFaultOf } from './originate-outcome.js';
import type { TrackedTimers } from './tracked-timers.js';
import type { UnwantedLegs } from './unwanted-legs.js';

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
  /** False while the events connection is down: an answer could not be seen. */
  ready(): boolean;
  /** Legs given up on, hung up whenever they show. */
  unwanted: UnwantedLegs;
  /** How long after its ring time a leg given up on may still appear. */
  lateLegMs: number;
}

/** What is left to do about the leg once the outcome is known. */
type LegAfter = 'none' | 'watch' | 'hang-up';

/**
 * Rings one leg (an agent, a callback) and waits for the outcome:
 * - answered: the channel enters our Stasis app (StasisStart) and becomes a Call;
 * - busy / no-answer / failed: it is destroyed without entering Stasis, and the
 *   ChannelDestroyed cause says why (17 busy, 19 no answer after the ring timeout);
 * - cancelled: the signal was aborted while ringing, and we hang the leg up;
 * - switch-fault: the request got no answer in time, its connection broke, or
 *   Asterisk failed (5xx); or the events connection is down, and nothing is sent.
 *   That says nothing about the callee.
 * The originating app is subscribed to the new channel by Asterisk itself, so its
 * ChannelDestroyed reaches us even though the channel is not in Stasis.
 *
 * A leg that did not end up answered and may still exist (a timed-out request,
 * a cancel racing the answer) is handed to `unwanted`, which hangs it up
 * whenever it shows, so a late StasisStart is never taken for a caller.
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
  if (!deps.ready()) {
    return Promise.resolve({ kind: 'switch-fault', fault: 'not-ready', message: 'the events connection to the switch is down' });
  }
  const log = deps.logger.child({ channelId, endpoint: options.endpoint });
  const watchFor = options.timeoutSec * 1000 + deps.lateLegMs;

  return new Promise<OriginateResult>((resolve) => {
    let settled = false;
    let accepted = false;
    let cancelling = false;
    let dialStatus: string | null = null;
    let cancelGuard = () => {};

    const finish = (result: OriginateResult, leg: LegAfter) => {
      if (settled) return;
      settled = true;
      // Watched before it stops being 'originating', so no event of the leg falls between.
      if (leg !== 'none') deps.unwanted.add(channelId, watchFor, leg === 'hang-up');
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
      finish({ kind: 'cancelled' }, 'watch');
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
          finish({ kind: 'answered', call: deps.adopt(event.channel, event.args ?? []) }, 'none');
          return;
        case 'Dial':
          if (event.peer?.id === channelId && event.dialstatus) dialStatus = event.dialstatus;
          return;
        case 'ChannelDestroyed':
          finish(cancelling ? { kind: 'cancelled' } : originateOutcome(event.cause ?? null, dialStatus, event.cause_txt), 'none');
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
        const fault = switchFaultOf(err);
        // Without an answer the leg may exist, or appear later and ring somebody: hang it up whenever it shows.
        const leg: LegAfter = fault === null ? 'none' : 'hang-up';
        if (cancelling) {
          finish({ kind: 'cancelled' }, leg);
          return;
        }
        const message = err instanceof AriError ? err.ariMessage || err.message : String(err);
        log.warn({ err, fault }, 'originate request failed');
        finish(fault === null ? { kind: 'failed', cause: null, message } : { kind: 'switch-fault', fault, message }, leg);
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
          finish(originateOutcome(null, dialStatus, 'the leg ended without a final event'), 'none');
        } else {
          log.warn({ err }, 'could not check an originated leg after its ring timeout');
          finish({ kind: 'switch-fault', fault: switchFaultOf(err) ?? 'server-error', message: 'could not learn the outcome of the originate' }, 'hang-up');
        }
        return;
      }
      if (settled) return;
      if (channel.state === 'Up' && channel.dialplan?.app_name === 'Stasis') {
        finish({ kind: 'answered', call: deps.adopt(channel, options.args ?? []) }, 'none');
        return;
      }
      await hangUpLeg();
      finish({ kind: 'no-answer', cause: HangupCause.NoAnswer }, 'watch');
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
