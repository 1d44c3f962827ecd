/**
 * The narrow call-control interface. The IVR engine, routing, ACD and callbacks
 * talk to the switch only through this; none of them imports the ARI client.
 * `ari-call-control.ts` implements it over ARI (a real Asterisk or the simulator).
 *
 * Conventions:
 * - A caller who hangs up mid-step is an expected outcome: operations on a gone
 *   call resolve (never reject) and report `caller-gone` where they return a result;
 *   fire-and-forget operations (hangup, stopMoh, setVar...) become no-ops.
 * - Keys are buffered per call from the moment the call is adopted: a key that
 *   interrupts a prompt (barge-in) stays in the buffer and is the first key the
 *   next `collect` reads, so it counts as input. A key typed ahead of a prompt
 *   (already buffered when `play` starts) skips that prompt when barge-in is on.
 * - One `play` and one `collect` at a time per call; starting a second while one
 *   runs rejects with 409 `call-busy` (a bug in the caller, not a call outcome).
 */

export type PlayResult =
  | { kind: 'finished' }
  | { kind: 'interrupted'; digit: string }
  | { kind: 'caller-gone' };

export interface PlayOptions {
  /** Stop the prompt list when a key arrives (the key stays buffered). Default true. */
  bargeIn?: boolean;
  /** Language for `sound:` media (Asterisk picks sounds/<lang>/...). */
  language?: string;
  /** Aborting stops the playback and resolves `finished`. */
  signal?: AbortSignal;
}

export interface CollectOptions {
  /** Stop after this many digits. */
  maxDigits: number;
  /** Key that ends variable-length input (not included in the result). Default '#'. */
  terminator?: string | null;
  /** Wait for the first key (ms). */
  firstKeyTimeoutMs: number;
  /** Wait between keys (ms). */
  interKeyTimeoutMs: number;
  /** Aborting ends the wait early: resolves `timeout` with the digits read so far. */
  signal?: AbortSignal;
}

export type CollectResult =
  /** `terminated` is true when the terminator ended input. */
  | { kind: 'digits'; digits: string; terminated: boolean }
  /** No complete input before a timeout; `digits` holds whatever arrived (maybe ''). */
  | { kind: 'timeout'; digits: string }
  | { kind: 'caller-gone' };

export interface OriginateOptions {
  /** Dial string: `PJSIP/1001`, `Local/1001@agents`... */
  endpoint: string;
  /** Caller id shown to the callee: `"name" <number>` or just the number. */
  callerId?: string;
  /** Seconds to ring before giving up (no-answer). */
  timeoutSec: number;
  /** Channel variables set on the new channel. */
  variables?: Record<string, string>;
  /** Aborting while ringing hangs the leg up and resolves `cancelled`. */
  signal?: AbortSignal;
  /** Choose the channel id (lets callers correlate before the originate returns). */
  channelId?: string;
  /** Stasis args the answered channel carries (its `Call.args`; the first is `Call.dialled`). */
  args?: readonly string[];
}

/**
 * Why the switch, not the callee, kept a leg from ringing to an outcome:
 * - 'timeout': Asterisk did not answer the originate in time (it may still
 *   create the leg later: call-control hangs it up when it shows);
 * - 'connection': the connection broke or nobody listens at the ARI address;
 * - 'server-error': Asterisk answered 5xx or something unreadable;
 * - 'not-ready': the events connection is down, so an answer could not be
 *   seen: nothing was sent.
 */
export type SwitchFault = 'timeout' | 'connection' | 'server-error' | 'not-ready';

export type OriginateResult =
  | { kind: 'answered'; call: Call }
  /** Ring outcomes: what the callee's phone did; only these say anything about the callee. */
  | { kind: 'busy'; cause: number }
  | { kind: 'no-answer'; cause: number }
  /** Rang out unanswered for another reason (unreachable, rejected: `cause`), or Asterisk refused the dial string (4xx: cause null). */
  | { kind: 'failed'; cause: number | null; message: string }
  /**
   * The switch did not carry out the request (no answer in time, a socket
   * error, a 5xx, no events connection): nothing is known about the callee,
   * so nobody is to blame for it. `fault` says which (always set by the ARI call control).
   */
  | { kind: 'switch-fault'; message: string; fault?: SwitchFault }
  | { kind: 'cancelled' };

export type CallEvent =
  | { type: 'key'; digit: string }
  | { type: 'hangup'; cause: number | null }
  | { type: 'end' }
  /** A channel variable was set on this call's channel (by the dialplan, a phone's feature code, or us). */
  | { type: 'var'; name: string; value: string };

export interface Call {
  readonly id: string;
  /** Calling number (ANI) as Asterisk gives it; '' when withheld. */
  readonly callerNumber: string;
  readonly callerName: string;
  /** The number dialled (first Stasis argument), e.g. '10000' or '10001'. */
  readonly dialled: string;
  /** Stasis args as given. */
  readonly args: readonly string[];
  /**
   * The switch the call is on (an `ari.servers` id), when the service has
   * several: an agent for this caller is rung, and bridged, on the same one.
   */
  readonly switchId?: string | undefined;
  /** True once the caller hung up or the channel left the Stasis app. */
  readonly gone: boolean;
  /** Resolves when the call ends (StasisEnd / hang-up). */
  readonly ended: Promise<void>;

  answer(): Promise<void>;
  play(media: readonly string[], options?: PlayOptions): Promise<PlayResult>;
  collect(options: CollectOptions): Promise<CollectResult>;
  /** Drop keys buffered so far (e.g. before a prompt that must not be skipped). */
  clearKeys(): void;
  startMoh(mohClass?: string): Promise<void>;
  stopMoh(): Promise<void>;
  setVar(name: string, value: string): Promise<void>;
  getVar(name: string): Promise<string | null>;
  hangup(reason?: 'normal' | 'busy' | 'congestion' | 'no_answer'): Promise<void>;
  on(listener: (event: CallEvent) => void): () => void;
}

/** How a bridge recording ended: Asterisk finished the file, or it failed (or was cancelled: no file). */
export type RecordingEnd =
  | { kind: 'finished'; durationMs: number | null }
  | { kind: 'failed'; reason: string };

/** A recording of everything said in a bridge, written by the switch as a stored recording. */
export interface BridgeRecording {
  /** The name given to Asterisk (never holds a phone number): also the stored recording's name. */
  readonly name: string;
  /** When Asterisk said it started (RecordingStarted), ms since epoch. */
  readonly startedAt: number;
  /**
   * Resolves once Asterisk has finished the file (RecordingFinished, or the
   * bridge ended: then `durationMs` is null, as it is when the events
   * connection was lost meanwhile); never rejects.
   */
  readonly finished: Promise<RecordingEnd>;
  /** Stops it now (the file is kept); a recording already over is not an error. */
  stop(): Promise<void>;
}

export interface Bridge {
  readonly id: string;
  add(call: Call | string): Promise<void>;
  remove(call: Call | string): Promise<void>;
  destroy(): Promise<void>;
  /**
   * Records the bridge (wav; a stored recording of that name already there is
   * refused, never overwritten). Resolves once it has started; rejects when
   * the switch refuses it or it fails before starting.
   */
  record(name: string): Promise<BridgeRecording>;
}

export interface CallControl {
  /** True while the events connection to the switch is up and the app is registered. */
  readonly ready: boolean;
  /** Called for every new call entering the Stasis app (after it is adopted). */
  onIncomingCall(handler: (call: Call) => void): () => void;
  originate(options: OriginateOptions): Promise<OriginateResult>;
  createBridge(name?: string): Promise<Bridge>;
  /** Re-adopt a channel still in the app after a service restart; null when it is gone. */
  adopt(channelId: string): Promise<Call | null>;
  /**
   * Hangs up a leg this service originated, by its id, wherever it is — also
   * in another instance's app, where it cannot be adopted (a dial taken over
   * from a dead instance). False when the switch has no such channel.
   */
  hangUpLeg(channelId: string): Promise<boolean>;
  /**
   * The switch's state of a leg by its id (ARI's channel state: 'Down',
   * 'Ring', 'Ringing', 'Up'...), wherever it is — also in another instance's
   * app. Null when the switch has no such channel; throws on a switch fault.
   */
  legState(channelId: string): Promise<string | null>;
  /** A stored recording's bytes; null when the switch has no such recording. Throws on a switch fault. */
  storedRecording(name: string): Promise<Buffer | null>;
  /** Deletes a stored recording from the switch; false when it was not there. Throws on a switch fault. */
  deleteStoredRecording(name: string): Promise<boolean>;
}
