import type { Redis } from 'ioredis';
import type { Bridge, CallControl } from '../call-control/call-control.js';
import type { Logger } from '../log/logger.js';
import type { TierId } from '../routing/types.js';

/** One agent's part of a conversation: from the moment caller and agent are bridged until that bridge ends. */
export interface ConversationSegment {
  /** The caller's call id (for a callback, the call that asked for it). */
  callId: string;
  agent: string;
  queue: string;
  tier: TierId;
  /** 1 for the first agent of the call, 2 after a transfer, ... */
  segment: number;
  /** How the conversation was reached. */
  kind: 'live' | 'callback';
  /** The switch the bridge lives on ('main' with one switch). */
  switchId: string;
  /** The caller's number as the switch gave it ('' when withheld); the number called back for a callback. */
  callerNumber: string;
}

/**
 * Told of each conversation between a caller and an agent (the recordings
 * feature implements it and decides whether the segment is recorded).
 */
export interface ConversationRecorder {
  /** Called once the caller and the agent are in the bridge. Never throws (logs); must not delay the call. */
  bridged(segment: ConversationSegment, bridge: Bridge, callControl: CallControl): void;
}

/** The switch id of a call control's calls when the service has one switch. */
export const SINGLE_SWITCH_ID = 'main';

/** How long a call's segment count is kept: far longer than any call. */
const SEGMENT_COUNT_TTL_SEC = 2 * 24 * 3600;

export interface ConversationsOptions {
  recorder: ConversationRecorder | null;
  redis: Redis;
  keyPrefix: string;
  logger: Logger;
}

/**
 * Numbers the conversations of a call and hands each to the recorder. The
 * count (`<p>:{acd}:segments:<callId>`) is in Redis, so a transfer handled
 * after a restart or by another instance still gets the next number. Nothing
 * here can fail or hold up the call: errors are logged, and a segment whose
 * number cannot be read is not reported.
 */
export class Conversations {
  constructor(private readonly options: ConversationsOptions) {}

  bridged(segment: Omit<ConversationSegment, 'segment'>, bridge: Bridge, callControl: CallControl): void {
    const { recorder, logger } = this.options;
    if (!recorder) return;
    this.next(segment.callId).then(
      (n) => {
        try {
          recorder.bridged({ ...segment, segment: n }, bridge, callControl);
        } catch (err) {
          logger.error({ err, callId: segment.callId, agent: segment.agent }, 'the conversation recorder threw');
        }
      },
      (err: unknown) => logger.error({ err, callId: segment.callId, agent: segment.agent }, 'could not number the conversation; it is not recorded'),
    );
  }

  private async next(callId: string): Promise<number> {
    const key = `${this.options.keyPrefix}:{acd}:segments:${callId}`;
    const [[incrErr, n] = [null, 0], [expireErr] = [null]] = (await this.options.redis.multi().incr(key).expire(key, SEGMENT_COUNT_TTL_SEC).exec()) ?? [];
    if (incrErr) throw incrErr;
    if (expireErr) throw expireErr;
    return Number(n);
  }
}
