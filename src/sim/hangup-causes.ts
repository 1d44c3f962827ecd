/**
 * Q.850 hang-up causes with the texts Asterisk puts in ChannelDestroyed.cause_txt
 * (main/channel.c), the `reason` values DELETE /channels/{id} accepts, and the
 * DIALSTATUS a failed dial reports for a cause.
 */
const CAUSE_TEXT: Readonly<Record<number, string>> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  3: 'No route to destination',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  20: 'Subscriber absent',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  28: 'Invalid number format',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  58: 'Bearer capability not available',
  127: 'Interworking, unspecified',
};

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}

/** DELETE /channels/{id}?reason=... → the cause the channel is destroyed with. */
export const HANGUP_REASONS: Readonly<Record<string, number>> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

/** What a Dial event reports when the dialled channel ends before answering with `cause`. */
export function dialStatusFor(cause: number): string {
  switch (cause) {
    case 17: return 'BUSY';
    case 18:
    case 19: return 'NOANSWER';
    case 34:
    case 42: return 'CONGESTION';
    default: return 'CHANUNAVAIL';
  }
}

/**
 * The `cause` Asterisk reports in ChannelHangupRequest for a soft hang-up
 * (DELETE /channels/{id}, Hangup() in the dialplan): it is the soft-hangup flag
 * AST_SOFTHANGUP_EXPLICIT, whatever `reason` was given.
 */
export const SOFT_HANGUP_EXPLICIT = 32;
