import { AriError } from './ari-error.js';

/**
 * True when an ARI error means the channel went away under us — the caller hung
 * up between our decision and the request reaching Asterisk. That is an expected
 * outcome of every call step, not a failure:
 * - 404 "Channel not found" on /channels/... (the channel is destroyed);
 * - 409 "Channel not in a Stasis application" (it left the app while hanging up);
 * - 412 "Channel in invalid state" (a hang-up is already in progress);
 * - 422 "Channel not in Stasis application" and 400 "Channel not found"
 *   (what POST /bridges/{id}/addChannel answers for a gone channel).
 * A 404 about a bridge, playback or variable is not a gone channel.
 */
export function isChannelGone(err: unknown): boolean {
  if (!(err instanceof AriError) || err.ariStatus === null) return false;
  const message = err.ariMessage.toLowerCase();
  const aboutChannel = message.includes('channel');
  switch (err.ariStatus) {
    case 404:
      return aboutChannel || (message === '' && err.path.startsWith('/channels/'));
    case 400:
    case 409:
    case 412:
    case 422:
      return aboutChannel && /not found|not in (a )?stasis|invalid state/.test(message);
    default:
      return false;
  }
}
