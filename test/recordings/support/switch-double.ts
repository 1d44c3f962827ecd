import type { BridgeRecording, RecordableBridge, RecordingSwitch } from '../../../src/recordings/switch-side.js';
import { silenceWav } from './wav.js';

type Finished = Awaited<BridgeRecording['finished']>;

/**
 * A switch as the recordings see it, in memory: a bridge that records when
 * asked, stored recordings that can be fetched and deleted, and faults to
 * order (refusing to record, unreachable for the next fetches). The switch
 * itself, over ARI, is tested with the simulator (test/ari, test/sim).
 */
export class SwitchDouble implements RecordingSwitch {
  readonly files = new Map<string, Buffer>();
  readonly recorded: string[] = [];
  /** Fetches that fail as if the switch could not be reached, before they work again. */
  unreachableFetches = 0;
  refuseRecord = false;
  fetches = 0;
  private ends = new Map<string, (end: Finished) => void>();

  constructor(private readonly now: () => number) {}

  bridge(id = 'bridge-1'): RecordableBridge {
    return {
      id,
      record: async (name: string): Promise<BridgeRecording> => {
        if (this.refuseRecord) throw new Error('409 the bridge is gone');
        this.recorded.push(name);
        let resolve!: (end: Finished) => void;
        const finished = new Promise<Finished>((r) => { resolve = r; });
        this.ends.set(name, resolve);
        return { name, startedAt: this.now(), finished, stop: async () => {} };
      },
    };
  }

  /** The bridge ended after `ms`: the file is written; `reportedMs` what the switch says (default `ms`). */
  finish(name: string, ms: number, reportedMs: number | null = ms): void {
    this.files.set(name, silenceWav(ms));
    this.ends.get(name)?.({ kind: 'finished', durationMs: reportedMs });
  }

  async storedRecording(name: string): Promise<Buffer | null> {
    this.fetches++;
    if (this.unreachableFetches > 0) {
      this.unreachableFetches--;
      throw new Error('connect ECONNREFUSED 127.0.0.1:8088');
    }
    return this.files.get(name) ?? null;
  }

  async deleteStoredRecording(name: string): Promise<boolean> {
    return this.files.delete(name);
  }
}
