import { AppError } from '../errors.js';

/**
 * An error answer of the simulated ARI. Asterisk answers errors as
 * `{"message": "..."}` with texts such as "Channel not found"; `message` is that
 * text, verbatim, because clients match on it.
 */
export class AriHttpError extends AppError {
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(status, code, message, details);
  }
}

export const channelNotFound = (id: string): AriHttpError =>
  new AriHttpError(404, 'channel-not-found', 'Channel not found', { channelId: id });

export const channelNotInStasis = (id: string): AriHttpError =>
  new AriHttpError(409, 'channel-not-in-stasis', 'Channel not in Stasis application', { channelId: id });

export const badRequest = (message: string, details: Record<string, unknown> = {}): AriHttpError =>
  new AriHttpError(400, 'bad-request', message, details);
