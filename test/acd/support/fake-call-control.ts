import type {
  Bridge,
  BridgeRecording,
  Call,
  CallControl,
  CallEvent,
  CollectResult,
  OriginateOptions,
  OriginateResult,
  PlayResult,
  RecordingEnd,
} from '../../../src/call-control/call-control.js';

/**
 * An in-memory switch behind the CallControl interface, for ACD unit tests:
 * callers are created by the test, agents are "rung" by originate and answer,
 * refuse or wait for the test to decide, and every request is recorded.
 */
export type AgentBehaviour =
  /** Answer at once; `hangupAfterAnswer` makes the agent hang up right after the bridge. */
  | { kind: 'answer'; hangupAfterAnswer?: boolean }
  | { kind: 'no-answer' }
  | { kind: 'busy' }
  | { kind: 'unreachable' }
  /** Ring until the test calls answer()/noAnswer()/busy() on the ring. */
  | { kind: 'manual' };

export interface Ring {
  readonly options: OriginateOptions;
  readonly endpoint: string;
  readonly callId: string;
  readonly at: number;
  settled: boolean;
  answer(): FakeCall;
  noAnswer(): void;
  busy(): void;
  readonly outcome: Promise<OriginateResult>;
}

export class FakeCall implements Call {
  readonly args: readonly string[];
  readonly ended: Promise<void>;
  gone = false;
  /** An agent leg that hangs up as soon as it is put in a bridge (`hangupAfterAnswer`). */
  hangUpWhenBridged = false;
  moh = false;
  mohStarts = 0;
  hungUpBy: 'remote' | 'service' | null = null;
  private endResolve!: () => void;
  private readonly listeners = new Set<(event: CallEvent) => void>();

  constructor(readonly id: string, readonly callerNumber: string, readonly dialled = '10000', readonly callerName = '') {
    this.args = [dialled];
    this.ended = new Promise((resolve) => {
      this.endResolve = resolve;
    });
  }

  async answer(): Promise<void> {}
  async play(): Promise<PlayResult> {
    return this.gone ? { kind: 'caller-gone' } : { kind: 'finished' };
  }
  async collect(): Promise<CollectResult> {
    return this.gone ? { kind: 'caller-gone' } : { kind: 'timeout', digits: '' };
  }
  clearKeys(): void {}
  async startMoh(): Promise<void> {
    if (this.gone) return;
    this.moh = true;
    this.mohStarts++;
  }
  async stopMoh(): Promise<void> {
    this.moh = false;
  }
  async setVar(): Promise<void> {}
  async getVar(): Promise<string | null> {
    return null;
  }
  async hangup(): Promise<void> {
    this.end('service');
  }
  on(listener: (event: CallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The far end hangs up. */
  remoteHangup(): void {
    this.end('remote');
  }

  private end(by: 'remote' | 'service'): void {
    if (this.gone) return;
    this.gone = true;
    this.moh = false;
    this.hungUpBy = by;
    for (const l of [...this.listeners]) l({ type: 'hangup', cause: 16 });
    for (const l of [...this.listeners]) l({ type: 'end' });
    this.endResolve();
  }
}

export class FakeBridge implements Bridge {
  readonly members: string[] = [];
  /** Names of the recordings started on it. */
  readonly recordings: string[] = [];
  destroyed = false;
  private endRecordings: (() => void)[] = [];
  constructor(readonly id: string) {}
  async record(name: string): Promise<BridgeRecording> {
    this.recordings.push(name);
    const startedAt = Date.now();
    const finished = new Promise<RecordingEnd>((resolve) => {
      this.endRecordings.push(() => resolve({ kind: 'finished', durationMs: Date.now() - startedAt }));
    });
    return { name, startedAt, finished, stop: async () => {} };
  }
  async add(call: Call | string): Promise<void> {
    this.members.push(typeof call === 'string' ? call : call.id);
    if (call instanceof FakeCall && call.hangUpWhenBridged) setImmediate(() => call.remoteHangup());
  }
  async remove(call: Call | string): Promise<void> {
    const id = typeof call === 'string' ? call : call.id;
    const i = this.members.indexOf(id);
    if (i >= 0) this.members.splice(i, 1);
  }
  async destroy(): Promise<void> {
    this.destroyed = true;
    for (const end of this.endRecordings.splice(0)) end();
  }
}

export class FakeCallControl implements CallControl {
  ready = true;
  readonly rings: Ring[] = [];
  readonly bridges: FakeBridge[] = [];
  readonly calls = new Map<string, FakeCall>();
  /** Called synchronously inside originate (the benchmark takes its time stamp here). */
  onOriginate: ((options: OriginateOptions) => void) | null = null;
  private readonly behaviours = new Map<string, AgentBehaviour>();
  private defaultBehaviour: AgentBehaviour = { kind: 'manual' };
  private bridgeSeq = 0;

  /** A caller in the Stasis app. */
  caller(id: string, number = '13800000004'): FakeCall {
    const call = new FakeCall(id, number);
    this.calls.set(id, call);
    return call;
  }

  setAgent(endpoint: string, behaviour: AgentBehaviour): void {
    this.behaviours.set(endpoint, behaviour);
  }

  setDefault(behaviour: AgentBehaviour): void {
    this.defaultBehaviour = behaviour;
  }

  onIncomingCall(): () => void {
    return () => {};
  }

  originate(options: OriginateOptions): Promise<OriginateResult> {
    this.onOriginate?.(options);
    const behaviour = this.behaviours.get(options.endpoint) ?? this.defaultBehaviour;
    let resolve!: (r: OriginateResult) => void;
    const outcome = new Promise<OriginateResult>((r) => {
      resolve = r;
    });
    const legId = options.channelId ?? `leg-${this.rings.length + 1}`;
    const ring: Ring = {
      options,
      endpoint: options.endpoint,
      callId: options.variables?.HOTLINE_CALL_ID ?? '',
      at: Date.now(),
      settled: false,
      outcome,
      answer: () => {
        if (ring.settled) throw new Error(`ring of ${options.endpoint} already settled`);
        ring.settled = true;
        const leg = new FakeCall(legId, '', options.endpoint);
        this.calls.set(legId, leg);
        resolve({ kind: 'answered', call: leg });
        return leg;
      },
      noAnswer: () => {
        if (ring.settled) return;
        ring.settled = true;
        resolve({ kind: 'no-answer', cause: 19 });
      },
      busy: () => {
        if (ring.settled) return;
        ring.settled = true;
        resolve({ kind: 'busy', cause: 17 });
      },
    };
    this.rings.push(ring);
    options.signal?.addEventListener('abort', () => {
      if (ring.settled) return;
      ring.settled = true;
      resolve({ kind: 'cancelled' });
    });
    queueMicrotask(() => {
      if (ring.settled) return;
      switch (behaviour.kind) {
        case 'answer': {
          const leg = ring.answer();
          leg.hangUpWhenBridged = behaviour.hangupAfterAnswer === true;
          return;
        }
        case 'no-answer':
          ring.noAnswer();
          return;
        case 'busy':
          ring.busy();
          return;
        case 'unreachable':
          ring.settled = true;
          resolve({ kind: 'failed', cause: 20, message: 'unreachable' });
          return;
        case 'manual':
          return;
      }
    });
    return outcome;
  }

  async createBridge(): Promise<Bridge> {
    const bridge = new FakeBridge(`bridge-${++this.bridgeSeq}`);
    this.bridges.push(bridge);
    return bridge;
  }

  async adopt(channelId: string): Promise<Call | null> {
    const call = this.calls.get(channelId);
    return call && !call.gone ? call : null;
  }

  async storedRecording(): Promise<Buffer | null> {
    return null;
  }

  async deleteStoredRecording(): Promise<boolean> {
    return false;
  }

  async hangUpLeg(channelId: string): Promise<boolean> {
    const call = this.calls.get(channelId);
    if (!call || call.gone) return false;
    await call.hangup();
    return true;
  }

  /** Up once answered and until hung up; ringing while the test has not decided its ring. */
  async legState(channelId: string): Promise<string | null> {
    const call = this.calls.get(channelId);
    if (call && !call.gone) return 'Up';
    return this.openRings().some((r) => r.options.channelId === channelId) ? 'Ringing' : null;
  }

  /** Rings still waiting for the test's decision. */
  openRings(): Ring[] {
    return this.rings.filter((r) => !r.settled);
  }

  leg(ring: Ring): FakeCall | undefined {
    return this.calls.get(ring.options.channelId ?? '');
  }
}
