import type { Call, CallControl } from '../call-control/call-control.js';
import { SwitchDial } from './switch-dial.js';

/** One switch this instance is connected to. */
export interface AcdSwitch {
  /** Its `ari.servers` id. */
  id: string;
  callControl: CallControl;
}

/**
 * The switches this instance serves, as the ACD uses them. A caller's agent
 * is rung and bridged on the caller's own switch (`Call.switchId`), with the
 * dial string `SwitchDial` gives for the pair. `all` is one call control over
 * every switch served: it adopts a channel from whichever switch has it (a
 * restart's recovery), is ready when every switch is, and originates on the
 * first switch served (what has no caller: surveys).
 */
export class AcdSwitches {
  readonly all: CallControl;
  readonly dial: SwitchDial;
  private readonly byId: ReadonlyMap<string, CallControl>;
  private readonly first: AcdSwitch;

  constructor(switches: readonly AcdSwitch[], dial: SwitchDial) {
    if (switches.length === 0) throw new Error('an instance serves at least one switch');
    this.first = switches[0]!;
    this.byId = new Map(switches.map((s) => [s.id, s.callControl]));
    this.dial = dial;
    this.all = switches.length === 1 ? this.first.callControl : acrossControls(switches.map((s) => s.callControl));
  }

  /** One switch and its call control: the single-switch service (and tests). */
  static single(callControl: CallControl, dial = new SwitchDial({ switches: ['main'] })): AcdSwitches {
    return new AcdSwitches([{ id: dial.defaultSwitch, callControl }], dial);
  }

  /** Ids of the switches served, the first one first. */
  get served(): string[] {
    return [...this.byId.keys()];
  }

  /** Whether this instance is connected to the switch. */
  serves(id: string): boolean {
    return this.byId.has(id);
  }

  /** The switch a call is on: its own tag, or the first switch served. */
  switchOf(call: Pick<Call, 'switchId'>): string {
    return call.switchId && this.byId.has(call.switchId) ? call.switchId : this.first.id;
  }

  /** The call control of a call's switch. */
  controlOf(call: Pick<Call, 'switchId'>): CallControl {
    return this.byId.get(this.switchOf(call))!;
  }

  /** The call control of a switch served; null for one this instance is not connected to. */
  control(id: string): CallControl | null {
    return this.byId.get(id) ?? null;
  }
}

/**
 * Several call controls acting as one (several switches, or several apps on
 * one switch): ready when all are, incoming calls from each, a channel adopted
 * or hung up through whichever has it; new legs and bridges on the first.
 */
export function acrossControls(controls: readonly CallControl[]): CallControl {
  const first = controls[0]!;
  return {
    get ready() {
      return controls.every((c) => c.ready);
    },
    onIncomingCall: (handler) => {
      const offs = controls.map((c) => c.onIncomingCall(handler));
      return () => {
        for (const off of offs) off();
      };
    },
    originate: (options) => first.originate(options),
    createBridge: (name) => first.createBridge(name),
    adopt: async (channelId) => {
      for (const c of controls) {
        const call = await c.adopt(channelId);
        if (call) return call;
      }
      return null;
    },
    // Asked of each switch in turn: a recording is on the switch whose bridge made it.
    storedRecording: (name) => askInTurn(controls, (c) => c.storedRecording(name), null),
    deleteStoredRecording: (name) => askInTurn(controls, (c) => c.deleteStoredRecording(name), false),
    hangUpLeg: (channelId) => askInTurn(controls, (c) => c.hangUpLeg(channelId), false),
    legState: (channelId) => askInTurn(controls, (c) => c.legState(channelId), null),
  };
}

/**
 * The first switch's answer that is not `none`; one that cannot answer (down)
 * does not keep the others from being asked. When none answered and one
 * failed, its failure is thrown: "not there" cannot be told from "not reachable".
 */
async function askInTurn<T>(controls: readonly CallControl[], ask: (control: CallControl) => Promise<T>, none: T): Promise<T> {
  let failure: unknown = null;
  for (const control of controls) {
    try {
      const answer = await ask(control);
      if (answer !== none && answer !== null) return answer;
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== null) throw failure;
  return none;
}
