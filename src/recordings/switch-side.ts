/**
 * What the recordings need of the switch and of the ACD, narrowed to that:
 * the ACD's bridge and call control (src/call-control) fit these, and the
 * ACD's ConversationRecorder hook (src/acd/conversation-recorder.ts) calls
 * `bridged` with them.
 */

/** A recording of a bridge in progress on the switch. */
export interface BridgeRecording {
  readonly name: string;
  /** When the switch said it started, ms since the epoch. */
  readonly startedAt: number;
  /** Resolves once the switch has finished the file: never rejects. */
  readonly finished: Promise<{ kind: 'finished'; durationMs: number | null } | { kind: 'failed'; reason: string }>;
  stop(): Promise<void>;
}

export interface RecordableBridge {
  readonly id: string;
  /** Starts recording the bridge under `name`; rejects when the switch refuses. */
  record(name: string): Promise<BridgeRecording>;
}

/** The switch's stored recordings. */
export interface RecordingSwitch {
  /** The file's bytes; null when the switch has no such recording. Throws on a switch fault. */
  storedRecording(name: string): Promise<Buffer | null>;
  /** False when it was not there. Throws on a switch fault. */
  deleteStoredRecording(name: string): Promise<boolean>;
}

/** One agent's part of a conversation, from the moment the caller and the agent are bridged. */
export interface ConversationSegment {
  callId: string;
  agent: string;
  queue: string;
  tier: string;
  /** 1 for the call's first agent, 2 after a transfer, ... */
  segment: number;
  kind: 'live' | 'callback';
  switchId: string;
  /** The caller's number, when the ACD gives it ('' when withheld). */
  callerNumber?: string;
}
