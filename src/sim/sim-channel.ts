import type { CallerID, Channel, ChannelState, DialplanCEP } from '../ari/models.js';
import { ariTimestamp } from './ari-time.js';
import { ControlQueue } from './control-queue.js';

/** Where a channel goes when it leaves Stasis: back into the dialplan, or nowhere (hung up). */
export type StasisExit =
  | { kind: 'continue'; context: string; exten: string; priority: number }
  | { kind: 'gone' };

/** An outbound channel being dialled: it is answered, or reports how it ended unanswered. */
export interface PendingDial {
  answer(): void;
  /** The channel hangs up before answering; `cancelled` when our side hung it up (DELETE). */
  abandoned(cause: number, cancelled: boolean): void;
}

/** The technology and resource a channel was dialled on (PJSIP/1001 → PJSIP, 1001). */
export interface EndpointRef {
  technology: string;
  resource: string;
}

export interface ChannelInit {
  id: string;
  name: string;
  state: ChannelState;
  caller: CallerID;
  connected?: CallerID;
  dialplan: DialplanCEP;
  language?: string;
  endpoint?: EndpointRef | null;
}

/**
 * One simulated channel: what ARI shows of it (the Channel model) plus the
 * switch's own bookkeeping: the Stasis app holding it, its bridge, the other
 * half of a Local channel, its command queue and a lifetime signal that aborts
 * everything it waits on when it hangs up.
 */
export class SimChannel {
  readonly id: string;
  readonly name: string;
  readonly creationtime = ariTimestamp();
  readonly endpoint: EndpointRef | null;
  readonly variables = new Map<string, string>();
  readonly control = new ControlQueue();
  state: ChannelState;
  caller: CallerID;
  connected: CallerID;
  dialplan: DialplanCEP;
  language: string;
  /** The Stasis app the channel is in, or null. */
  stasisApp: string | null = null;
  /** Resolves the wait of whoever put the channel into Stasis. */
  stasisExit: ((exit: StasisExit) => void) | null = null;
  bridgeId: string | null = null;
  /** The other half of a Local channel (;1 ↔ ;2): keys sent on one arrive on the other, answering one answers the other. */
  peer: SimChannel | null = null;
  /** Channels that hang up when this one does (the halves of a Local channel, a leg bridged by Dial()). */
  readonly links = new Set<SimChannel>();
  /** Music-on-hold class the channel hears, or null. */
  moh: string | null = null;
  /** Set once a hang-up started: no more operations, events only from the hang-up itself. */
  gone = false;
  /** Cause it will be destroyed with (set by the dialplan: Dial() BUSY, Hangup(17)...). */
  pendingCause: number | null = null;
  /** The dial in progress while this outbound channel rings; null once answered or ended. */
  pendingDial: PendingDial | null = null;

  constructor(init: ChannelInit) {
    this.id = init.id;
    this.name = init.name;
    this.state = init.state;
    this.caller = { ...init.caller };
    this.connected = { ...(init.connected ?? init.caller) };
    this.dialplan = { ...init.dialplan };
    this.language = init.language ?? 'en';
    this.endpoint = init.endpoint ?? null;
  }

  /** Aborted when the channel hangs up. */
  get signal(): AbortSignal {
    return this.control.signal;
  }

  get isLocal(): boolean {
    return this.name.startsWith('Local/');
  }

  /** The snapshot ARI shows (channels.json: Channel). */
  toJson(): Channel {
    return {
      id: this.id,
      name: this.name,
      state: this.state,
      protocol_id: '',
      caller: { ...this.caller },
      connected: { ...this.connected },
      accountcode: '',
      dialplan: {
        context: this.dialplan.context,
        exten: this.dialplan.exten,
        priority: this.dialplan.priority,
        app_name: this.dialplan.app_name ?? '',
        app_data: this.dialplan.app_data ?? '',
      },
      creationtime: this.creationtime,
      language: this.language,
    };
  }
}
