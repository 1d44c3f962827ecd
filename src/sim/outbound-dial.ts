import { dialStatusFor } from './hangup-causes.js';
import type { PendingDial, SimChannel } from './sim-channel.js';
import type { SimSwitch } from './sim-switch.js';

export interface DialOptions {
  /** What was dialled, as the Dial event shows it: `1001`, `10000@from-external`. */
  dialstring: string;
  /** The channel dialling (Dial() in the dialplan); an ARI originate has none. */
  caller?: SimChannel;
  /** Give up after this much simulated time; null rings forever. */
  timeoutMs: number | null;
  onAnswer: () => void;
  /** Ended without answering (busy, unreachable, no answer, cancelled). */
  onFailure?: (cause: number) => void;
}

/**
 * Dialling one outbound channel, as main/dial.c does for an ARI originate and
 * app_dial for Dial(): a Dial event with an empty dialstatus when it starts,
 * another with ANSWER / BUSY / NOANSWER / CHANUNAVAIL / CANCEL when it ends.
 * Nobody answering within the timeout destroys the channel with cause 19.
 */
export class OutboundDial implements PendingDial {
  private settled = false;
  private cancelTimeout: (() => void) | null = null;

  constructor(
    private readonly sw: SimSwitch,
    readonly channel: SimChannel,
    private readonly options: DialOptions,
  ) {}

  start(): void {
    this.channel.pendingDial = this;
    this.publish('');
    if (this.options.timeoutMs !== null) {
      this.cancelTimeout = this.sw.clock.after(this.options.timeoutMs, () => this.noAnswer());
    }
  }

  answer(): void {
    if (this.settled || this.channel.gone) return;
    this.settle();
    this.sw.channels.setState(this.channel, 'Up');
    this.publish('ANSWER');
    this.options.onAnswer();
  }

  abandoned(cause: number, cancelled: boolean): void {
    if (this.settled) return;
    this.settle();
    this.publish(cancelled ? 'CANCEL' : dialStatusFor(cause));
    this.options.onFailure?.(cause);
  }

  private noAnswer(): void {
    if (this.settled || this.channel.gone) return;
    this.settle();
    this.publish('NOANSWER');
    this.sw.channels.hangup(this.channel, 19, 'none');
    this.options.onFailure?.(19);
  }

  private settle(): void {
    this.settled = true;
    this.cancelTimeout?.();
    this.cancelTimeout = null;
    if (this.channel.pendingDial === this) this.channel.pendingDial = null;
  }

  private publish(dialstatus: string): void {
    const caller = this.options.caller;
    const channelIds = caller ? [caller.id, this.channel.id] : [this.channel.id];
    this.sw.hub.publish({ channelIds }, 'Dial', {
      ...(caller ? { caller: caller.toJson() } : {}),
      peer: this.channel.toJson(),
      forward: '',
      dialstring: this.options.dialstring,
      dialstatus,
    });
  }
}
