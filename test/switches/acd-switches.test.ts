import { describe, expect, it } from 'vitest';
import { AcdSwitches } from '../../src/acd/acd-switches.js';
import { SwitchDial } from '../../src/acd/switch-dial.js';
import type { Call, CallControl } from '../../src/call-control/call-control.js';

/** A switch that knows some channels, and may be down (every request fails). */
function stubSwitch(channels: string[], down = false): CallControl & { asked: string[] } {
  const asked: string[] = [];
  const answer = async <T>(value: T): Promise<T> => {
    if (down) throw new Error('connect ECONNREFUSED');
    return value;
  };
  return {
    asked,
    ready: !down,
    onIncomingCall: () => () => undefined,
    originate: async () => ({ kind: 'cancelled' }),
    createBridge: async () => { throw new Error('not used'); },
    adopt: async (id) => {
      asked.push(id);
      return answer(channels.includes(id) ? ({ id, switchId: undefined } as unknown as Call) : null);
    },
    hangUpLeg: async (id) => {
      asked.push(id);
      return answer(channels.includes(id));
    },
    legState: async (id) => {
      asked.push(id);
      return answer(channels.includes(id) ? 'Ringing' : null);
    },
    // Its stored recordings are named like its channels here.
    storedRecording: async (name) => {
      asked.push(name);
      return answer(channels.includes(name) ? Buffer.from(name) : null);
    },
    deleteStoredRecording: async (name) => {
      asked.push(name);
      return answer(channels.includes(name));
    },
  };
}

const dial = new SwitchDial({ switches: ['a', 'b'] });

describe('the switches an instance serves, as the ACD sees them', () => {
  it('a call belongs to the switch it is tagged with; untagged, to the first switch served', () => {
    const a = stubSwitch([]);
    const b = stubSwitch([]);
    const switches = new AcdSwitches([{ id: 'a', callControl: a }, { id: 'b', callControl: b }], dial);
    expect(switches.controlOf({ switchId: 'b' })).toBe(b);
    expect(switches.controlOf({ switchId: undefined })).toBe(a);
    expect(switches.control('c')).toBeNull();
    expect(switches.served).toEqual(['a', 'b']);
  });

  it('as one: ready when every switch is, adopting, reading and hanging up a leg on whichever switch has it, past a switch that is down', async () => {
    const downA = stubSwitch([], true);
    const b = stubSwitch(['leg-1']);
    const all = new AcdSwitches([{ id: 'a', callControl: downA }, { id: 'b', callControl: b }], dial).all;
    expect(all.ready).toBe(false);
    expect(await all.hangUpLeg('leg-1')).toBe(true);
    expect(downA.asked).toEqual(['leg-1']);
    // Nowhere found and one switch could not be asked: not known to be gone.
    await expect(all.hangUpLeg('leg-2')).rejects.toThrow(/ECONNREFUSED/);
    const up = new AcdSwitches([{ id: 'a', callControl: stubSwitch([]) }, { id: 'b', callControl: b }], dial).all;
    expect(up.ready).toBe(true);
    expect(await up.hangUpLeg('leg-2')).toBe(false);
    expect(await up.legState('leg-1')).toBe('Ringing');
    expect(await up.legState('leg-2')).toBeNull();
    await expect(all.legState('leg-2')).rejects.toThrow(/ECONNREFUSED/);
    expect((await up.adopt('leg-1'))?.id).toBe('leg-1');
    expect(await up.adopt('leg-3')).toBeNull();
  });

  it('as one: a stored recording is fetched and deleted on whichever switch has it, past a switch that is down', async () => {
    const downA = stubSwitch([], true);
    const b = stubSwitch(['rec-1']);
    const all = new AcdSwitches([{ id: 'a', callControl: downA }, { id: 'b', callControl: b }], dial).all;
    expect((await all.storedRecording('rec-1'))?.toString()).toBe('rec-1');
    expect(downA.asked).toEqual(['rec-1']);
    // Nowhere found and one switch could not be asked: not known to be missing.
    await expect(all.storedRecording('rec-2')).rejects.toThrow(/ECONNREFUSED/);
    await expect(all.deleteStoredRecording('rec-2')).rejects.toThrow(/ECONNREFUSED/);
    expect(await all.deleteStoredRecording('rec-1')).toBe(true);
    const up = new AcdSwitches([{ id: 'a', callControl: stubSwitch([]) }, { id: 'b', callControl: stubSwitch([]) }], dial).all;
    expect(await up.storedRecording('rec-1')).toBeNull();
    expect(await up.deleteStoredRecording('rec-1')).toBe(false);
  });
});
