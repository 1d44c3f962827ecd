/** A recorded agent conversation (one segment of a call), as kept in Redis. Times in ms since the epoch. */
export interface RecordingMeta {
  /** rec-<uuid>: our id, and the name the switch recorded it under (never a number). */
  id: string;
  /** The caller's call id (live or callback). */
  callId: string;
  /** 1 for the call's first agent, 2 after a transfer, ... */
  segment: number;
  kind: 'live' | 'callback';
  agent: string;
  queue: string;
  tier: string;
  /** The switch that recorded it (and holds its file until it is copied). */
  switchId: string;
  startedAt: number;
  /** From the stored file's WAV header once copied; before that what the switch reported, if it did. */
  durationMs: number | null;
  /** Bytes in the store. */
  size: number | null;
  sha256: string | null;
  /** Deleted from the store after this, unless held. */
  retainUntil: number;
  /** Why it is kept past its retention (e.g. a complaint); null when it is not held. */
  legalHold: string | null;
  status: RecordingStatus;
  /** Why it failed (status failed), or why it was deleted (status deleted). */
  failure: string | null;
  /** The caller's full number: the API masks it for whoever may not hear the recording. Cleared once deleted. */
  callerNumber: string;
  /** Who set the legal hold, when one is set. */
  legalHoldBy: string | null;
  /** When it was deleted from the store (status deleted). */
  deletedAt: number | null;
}

export const RECORDING_STATUSES = ['recording', 'copying', 'stored', 'failed', 'deleted'] as const;

export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export interface RecordingFilter {
  callId?: string;
  agent?: string;
  /** Started at or after. */
  from?: number;
  /** Started at or before. */
  to?: number;
  status?: RecordingStatus;
  /** At most this many (default 100). */
  limit?: number;
}
