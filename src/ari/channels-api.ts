import type { AriRest } from './ari-rest.js';
import { segment } from './ari-rest.js';
import { ValidationError } from '../errors.js';
import type { Channel, Playback, Variable } from './models.js';

export interface OriginateParams {
  /** Dial string: `PJSIP/1001`, `Local/10000@from-external`... */
  endpoint: string;
  /** Stasis app the new channel enters when answered (and that is subscribed to it at once). */
  app?: string;
  /** Arguments passed to the Stasis app; Asterisk takes them as one comma-separated string. */
  appArgs?: readonly string[];
  /** Dialplan target instead of an app. */
  extension?: string;
  context?: string;
  priority?: number;
  label?: string;
  callerId?: string;
  /** Seconds to ring before giving up; -1 for no limit. Asterisk's default is 30. */
  timeout?: number;
  /** Id of the second half of a Local channel (`;2`). */
  otherChannelId?: string;
  originator?: string;
  formats?: readonly string[];
  /** Channel variables set on creation; sent as the JSON body `{"variables": {...}}`. */
  variables?: Record<string, string>;
}

export interface PlayParams {
  /** Sound language for `sound:` media. */
  lang?: string;
  offsetms?: number;
  skipms?: number;
}

export interface DtmfParams {
  before?: number;
  between?: number;
  duration?: number;
  after?: number;
}

export interface ContinueParams {
  context?: string;
  extension?: string;
  priority?: number;
  label?: string;
}

/**
 * Hang-up reasons Asterisk accepts for DELETE /channels/{id}. The channel
 * hanging up still reports cause 32 (soft hang-up) in its ChannelHangupRequest.
 */
export type HangupReason =
  | 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected'
  | 'unallocated' | 'normal_unspecified' | 'number_incomplete' | 'codec_mismatch'
  | 'interworking' | 'failure' | 'answered_elsewhere';

/** /channels: the calls themselves. */
export class ChannelsApi {
  constructor(private readonly rest: AriRest) {}

  async list(): Promise<Channel[]> {
    return this.rest.request({ method: 'GET', path: '/channels' });
  }

  async get(channelId: string): Promise<Channel> {
    return this.rest.request({ method: 'GET', path: `/channels/${segment('channelId', channelId)}` });
  }

  /**
   * POST /channels: 200 with the new channel (ringing, not yet answered).
   * Without a channel id of ours, an originate whose connection broke is never
   * sent again: it may have rung somebody, and nothing tells us.
   */
  async originate(params: OriginateParams & { channelId?: string }): Promise<Channel> {
    return this.rest.request({
      method: 'POST',
      path: '/channels',
      kind: 'originate',
      ifUnanswered: params.channelId ? { lookup: `/channels/${segment('channelId', params.channelId)}` } : 'fail',
      ...originateRequest(params),
    });
  }

  /**
   * POST /channels/{id}: originate with an id we chose, to correlate events
   * before the answer. If the connection breaks before any answer, the id tells
   * whether it happened: an existing channel is the answer, a 404 means send again.
   */
  async originateWithId(channelId: string, params: OriginateParams): Promise<Channel> {
    const path = `/channels/${segment('channelId', channelId)}`;
    return this.rest.request({ method: 'POST', path, kind: 'originate', ifUnanswered: { lookup: path }, ...originateRequest(params) });
  }

  async hangup(channelId: string, reason?: HangupReason): Promise<void> {
    return this.rest.request({ method: 'DELETE', path: `/channels/${segment('channelId', channelId)}`, query: { reason } });
  }

  /** Runs in the channel's queue (after a prompt in progress). */
  async answer(channelId: string): Promise<void> {
    return this.rest.request({
      method: 'POST',
      path: `/channels/${segment('channelId', channelId)}/answer`,
      kind: 'channel-command',
      channel: channelId,
      ifUnanswered: 'retry',
    });
  }

  async ring(channelId: string): Promise<void> {
    return this.rest.request({ method: 'POST', path: `/channels/${segment('channelId', channelId)}/ring`, ifUnanswered: 'retry' });
  }

  /** 201 with the Playback; a list of media plays as one playback, one item after the other. */
  async play(channelId: string, media: string | readonly string[], params: PlayParams = {}): Promise<Playback> {
    return this.rest.request({
      method: 'POST',
      path: `/channels/${segment('channelId', channelId)}/play`,
      query: { media: mediaList(media), ...params },
    });
  }

  /**
   * Play with a playback id we chose, so a stop can be sent before the answer
   * arrives. Answered at once even during another prompt (the new one is queued).
   */
  async playWithId(channelId: string, playbackId: string, media: string | readonly string[], params: PlayParams = {}): Promise<Playback> {
    return this.rest.request({
      method: 'POST',
      path: `/channels/${segment('channelId', channelId)}/play/${segment('playbackId', playbackId)}`,
      query: { media: mediaList(media), ...params },
      ifUnanswered: { lookup: `/playbacks/${segment('playbackId', playbackId)}` },
    });
  }

  /** 204 once queued; each digit reaches the far end later (tone plus gap). */
  async sendDtmf(channelId: string, dtmf: string, params: DtmfParams = {}): Promise<void> {
    if (!/^[0-9A-D*#]+$/i.test(dtmf)) {
      throw new ValidationError(`dtmf must be digits 0-9, A-D, * or #, got ${JSON.stringify(dtmf)}`, { dtmf });
    }
    return this.rest.request({
      method: 'POST',
      path: `/channels/${segment('channelId', channelId)}/dtmf`,
      query: { dtmf, ...params },
    });
  }

  /** Answered at once even during a prompt; music on hold does not block the channel's queue. */
  async startMoh(channelId: string, mohClass?: string): Promise<void> {
    return this.rest.request({
      method: 'POST',
      path: `/channels/${segment('channelId', channelId)}/moh`,
      query: { mohClass },
      ifUnanswered: 'retry',
    });
  }

  async stopMoh(channelId: string): Promise<void> {
    return this.rest.request({ method: 'DELETE', path: `/channels/${segment('channelId', channelId)}/moh` });
  }

  /** Value of a variable or function; 404 "Provided variable was not found" when unset. */
  async getVariable(channelId: string, variable: string): Promise<string> {
    const result = await this.rest.request<Variable>({
      method: 'GET',
      path: `/channels/${segment('channelId', channelId)}/variable`,
      query: { variable: requireText('variable', variable) },
    });
    return result.value;
  }

  /** Runs in the channel's queue: waits for a prompt in progress to end. */
  async setVariable(channelId: string, variable: string, value: string): Promise<void> {
    return this.rest.request({
      method: 'POST',
      path: `/channels/${segment('channelId', channelId)}/variable`,
      query: { variable: requireText('variable', variable), value },
      kind: 'channel-command',
      channel: channelId,
      ifUnanswered: 'retry',
    });
  }

  /** Leave the Stasis app and go on in the dialplan (StasisEnd follows). */
  async continueInDialplan(channelId: string, params: ContinueParams = {}): Promise<void> {
    return this.rest.request({
      method: 'POST',
      path: `/channels/${segment('channelId', channelId)}/continue`,
      query: { ...params },
    });
  }
}

function originateRequest(params: OriginateParams & { channelId?: string }) {
  const { variables, appArgs, formats, ...query } = params;
  requireText('endpoint', params.endpoint);
  return {
    query: { ...query, appArgs: appArgs?.length ? appArgs.join(',') : undefined, formats },
    body: variables && Object.keys(variables).length ? { variables } : undefined,
  };
}

export function mediaList(media: string | readonly string[]): readonly string[] {
  const list = typeof media === 'string' ? [media] : media;
  if (list.length === 0 || list.some((m) => typeof m !== 'string' || m === '' || m.includes(','))) {
    throw new ValidationError(`media must be one or more non-empty URIs without commas, got ${JSON.stringify(media)}`, { media });
  }
  return list;
}

/** A required query value (not a path segment: Asterisk reads it raw). */
export function requireText(name: string, value: string): string {
  if (typeof value !== 'string' || value === '') throw new ValidationError(`${name} must be a non-empty string`, { [name]: value });
  return value;
}
