import type { PublishedOutcome } from '../ivr/outcome-var.js';

/**
 * Outcomes that the IVR follows with a prompt giving the caller the answer
 * (the balance, the bill…) and then with more menu. Every other outcome ends
 * the call without the caller hanging up: the service hangs up itself (a
 * callback booked, goodbye) or an agent takes the call (queued, agent).
 */
const ANSWERED: ReadonlySet<PublishedOutcome['kind']> = new Set(['self-service']);

/**
 * Tells when a caller has heard the answer that goes with the outcome the
 * service published, so the call tool can hang up then instead of listening
 * to the menu again until it times out.
 *
 * The answer is the first playback that starts after the outcome's
 * ChannelVarset. Asterisk runs a variable set on the channel's own thread,
 * after whatever that thread is doing, and a prompt playing on the channel
 * keeps the thread busy until it ends. The service publishes the outcome and
 * then plays the answer, so:
 * - nothing playing: ChannelVarset, then the answer's PlaybackStarted;
 * - a prompt still playing (say a confirmation before the answer): the set
 *   waits for that prompt's end, and its ChannelVarset comes after that
 *   prompt's PlaybackFinished but still before the answer starts.
 * Either way the playback that follows ChannelVarset is the answer, and its
 * PlaybackFinished means the caller has heard all of it: a list of media
 * (`sound:ss/balance-is,sound:num/5,…`) is one playback, so the amount is
 * heard before that event. Were the answer ever requested before the set, the
 * set would wait for its end and the first playback after ChannelVarset would
 * be the next prompt: the caller would hear one prompt more, never less.
 *
 * Only outcomes published after the caller's last keys count: an answer given
 * earlier is followed by the keys asking for something else.
 */
export class AnswerWatch {
  private listening = false;
  private awaitingAnswer = false;
  private answerPlayback: string | null = null;
  private heard = false;

  /** From now on an outcome is the one the call is made for (the last keys are about to be sent). */
  lastKeysSent(): void {
    this.listening = true;
  }

  /** ChannelVarset of the outcome variable. */
  outcome(outcome: PublishedOutcome): void {
    if (!this.listening || this.heard) return;
    this.awaitingAnswer = ANSWERED.has(outcome.kind);
    this.answerPlayback = null;
  }

  /** PlaybackStarted (possibly once per item of a media list: the same id). */
  playbackStarted(playbackId: string): void {
    if (this.awaitingAnswer && this.answerPlayback === null) this.answerPlayback = playbackId;
  }

  /** PlaybackFinished, whether the prompt ended or was stopped. */
  playbackFinished(playbackId: string): void {
    if (this.awaitingAnswer && playbackId === this.answerPlayback) this.heard = true;
  }

  /** The caller has heard the whole answer to an outcome published after the last keys. */
  get answerHeard(): boolean {
    return this.heard;
  }
}
