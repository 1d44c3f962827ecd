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
} from '../call-control/call-control.js';
import type { Clock } from '../time/clock.js';

/** Cause codes a switch gives: normal clearing, no answer. */
const NORMAL_CLEARING = 16;
const NO_ANSWER = 19;

/**
 * A line in a what-if run: a caller waiting in a queue, or an agent's leg.
 * It only knows how to hang up; music, prompts and keys cost nothing in
 * virtual time.
 */
export class VirtualLine implements Call {
  readonly args: readonly string[];
  readonly callerName = '';
  readonly ended: Promise<void>;
  gone = false;
  private endResolve!: () => void;
  private readonly listeners = new Set<(event: CallEvent) => void>();

  constructor(readonly id: string, readonly callerNumber: string, readonly dialled: string) {
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
  async startMoh(): Promise<void> {}
  async stopMoh(): Promise<void> {}
  async setVar(): Promise<void> {}
  async getVar(): Promise<string | null> {
    return null;
  }
  async hangup(): Promise<void> {
    this.end();
  }
  on(listener: (event: CallEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The far end hangs up (a caller giving up, an agent ending the conversation). */
  end(): void {
    if (this.gone) return;
    this.gone = true;
    for (const l of [...this.listeners]) l({ type: 'hangup', cause: NORMAL_CLEARING });
    for (const l of [...this.listeners]) l({ type: 'end' });
    this.endResolve();
  }
}

/** How the virtual agents and callers behave, per call and per agent. */
export interface VirtualSwitchModel {
  /** How long an agent's phone rings before they pick up. */
  ringMs(agentId: string): number;
  /** How long the caller talks to the agent once bridged. */
  talkMs(callId: string): number;
  /** The caller and an agent are bridged: the caller no longer gives up. */
  connected(callId: string): void;
  /** The agent let the phone ring out: they come back after a while, as a real agent would. */
  missed(agentId: string): void;
}

/**
 * The switch of a what-if run behind the CallControl interface, in virtual
 * time: an agent rung answers after their ring time (or rings out at the
 * queue's ring timeout), talks for the caller's handle time once bridged and
 * hangs up. Every delay is a timer on the run's clock, so the real ACD drives
 * it exactly as it drives Asterisk.
 */
export class VirtualSwitch implements CallControl {
  readonly ready = true;
  private readonly lines = new Map<string, VirtualLine>();
  /** Agent leg id → the call and the agent it belongs to. */
  private readonly legs = new Map<string, { callId: string; agentId: string }>();
  private nextLeg = 1;
  private nextBridge = 1;

  constructor(private readonly clock: Clock, private readonly model: VirtualSwitchModel) {}

  /** A caller arriving in the service. */
  caller(id: string, number: string, dialled: string): VirtualLine {
    const line = new VirtualLine(id, number, dialled);
    this.lines.set(id, line);
    line.ended.then(() => this.lines.delete(id), () => {});
    return line;
  }

  onIncomingCall(): () => void {
    return () => {};
  }

  originate(options: OriginateOptions): Promise<OriginateResult> {
    const agentId = agentOf(options.endpoint);
    const callId = options.variables?.HOTLINE_CALL_ID ?? '';
    const ringMs = this.model.ringMs(agentId);
    const timeoutMs = options.timeoutSec * 1000;
    return new Promise<OriginateResult>((resolve) => {
      let settled = false;
      const settle = (result: OriginateResult): void => {
        if (settled) return;
        settled = true;
        this.clock.clearTimeout(timer);
        resolve(result);
      };
      const timer = ringMs <= timeoutMs
        ? this.clock.setTimeout(() => {
          const leg = new VirtualLine(options.channelId ?? `whatif-leg-${this.nextLeg++}`, '', options.endpoint);
          this.lines.set(leg.id, leg);
          this.legs.set(leg.id, { callId, agentId });
          leg.ended.then(() => this.legEnded(leg.id), () => {});
          settle({ kind: 'answered', call: leg });
        }, ringMs)
        : this.clock.setTimeout(() => {
          settle({ kind: 'no-answer', cause: NO_ANSWER });
          this.model.missed(agentId);
        }, timeoutMs);
      options.signal?.addEventListener('abort', () => settle({ kind: 'cancelled' }));
    });
  }

  async createBridge(name?: string): Promise<Bridge> {
    return new VirtualBridge(name ?? `whatif-bridge-${this.nextBridge++}`, this);
  }

  async adopt(channelId: string): Promise<Call | null> {
    const line = this.lines.get(channelId);
    return line && !line.gone ? line : null;
  }

  async hangUpLeg(channelId: string): Promise<boolean> {
    const line = this.lines.get(channelId);
    if (!line || line.gone) return false;
    line.end();
    return true;
  }

  /** A virtual leg exists only once answered: up while it lasts. */
  async legState(channelId: string): Promise<string | null> {
    const line = this.lines.get(channelId);
    return line && !line.gone ? 'Up' : null;
  }

  async storedRecording(): Promise<Buffer | null> {
    return null;
  }

  async deleteStoredRecording(): Promise<boolean> {
    return false;
  }

  /** A line entered a bridge: the caller is connected; the agent starts talking and hangs up after the handle time. */
  bridged(lineId: string): void {
    const leg = this.legs.get(lineId);
    if (!leg) {
      this.model.connected(lineId);
      return;
    }
    const line = this.lines.get(lineId);
    if (!line) return;
    this.clock.setTimeout(() => line.end(), this.model.talkMs(leg.callId));
  }

  private legEnded(legId: string): void {
    this.lines.delete(legId);
    this.legs.delete(legId);
  }
}

class VirtualBridge implements Bridge {
  constructor(readonly id: string, private readonly owner: VirtualSwitch) {}

  async add(call: Call | string): Promise<void> {
    this.owner.bridged(typeof call === 'string' ? call : call.id);
  }
  async remove(): Promise<void> {}
  async destroy(): Promise<void> {}
  async record(name: string): Promise<BridgeRecording> {
    return { name, startedAt: 0, finished: Promise.resolve({ kind: 'finished', durationMs: null }), stop: async () => {} };
  }
}

/** The agent id in a what-if dial string (`Local/<id>@whatif`). */
export function whatIfDial(agentId: string): string {
  return `Local/${agentId}@whatif`;
}

function agentOf(endpoint: string): string {
  const match = /^Local\/(.+)@whatif$/.exec(endpoint);
  return match ? match[1]! : endpoint;
}
