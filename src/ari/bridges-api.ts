import { ValidationError } from '../errors.js';
import type { AriRest } from './ari-rest.js';
import { segment } from './ari-rest.js';
import { mediaList, type PlayParams } from './channels-api.js';
import type { Bridge, LiveRecording, Playback } from './models.js';

export type BridgeType = 'mixing' | 'holding' | 'dtmf_events' | 'proxy_media' | 'video_sfu' | 'video_single';

export interface CreateBridgeParams {
  /** Bridge features, comma-joined for Asterisk. Default here: ['mixing']. */
  type?: readonly BridgeType[];
  name?: string;
}

export interface RecordBridgeParams {
  /** Also the stored recording's name (a path under Asterisk's recording directory, without extension). */
  name: string;
  /** File format (extension), e.g. 'wav'. */
  format: string;
  /** 0: no limit. */
  maxDurationSeconds?: number;
  /** 0: no limit. */
  maxSilenceSeconds?: number;
  /** What to do when a stored recording of that name exists. Asterisk's default: fail (409). */
  ifExists?: 'fail' | 'overwrite' | 'append';
  beep?: boolean;
  terminateOn?: 'none' | 'any' | '*' | '#';
}

export interface AddChannelParams {
  role?: string;
  /** Keep DTMF out of the bridge (the other parties do not hear the tones). */
  absorbDTMF?: boolean;
  mute?: boolean;
  inhibitConnectedLineUpdates?: boolean;
}

/** /bridges: mixing rooms where a caller and an agent talk. */
export class BridgesApi {
  constructor(private readonly rest: AriRest) {}

  async list(): Promise<Bridge[]> {
    return this.rest.request({ method: 'GET', path: '/bridges' });
  }

  async get(bridgeId: string): Promise<Bridge> {
    return this.rest.request({ method: 'GET', path: `/bridges/${segment('bridgeId', bridgeId)}` });
  }

  /** POST /bridges: no BridgeCreated event follows for a bridge made over REST. */
  async create(params: CreateBridgeParams & { bridgeId?: string } = {}): Promise<Bridge> {
    return this.rest.request({
      method: 'POST',
      path: '/bridges',
      query: { type: params.type ?? ['mixing'], name: params.name, bridgeId: params.bridgeId },
      ifUnanswered: params.bridgeId ? { lookup: `/bridges/${segment('bridgeId', params.bridgeId)}` } : 'fail',
    });
  }

  async createWithId(bridgeId: string, params: CreateBridgeParams = {}): Promise<Bridge> {
    const path = `/bridges/${segment('bridgeId', bridgeId)}`;
    return this.rest.request({
      method: 'POST',
      path,
      query: { type: params.type ?? ['mixing'], name: params.name },
      ifUnanswered: { lookup: path },
    });
  }

  /** 204, then BridgeDestroyed; channels still inside stay in Stasis. */
  async destroy(bridgeId: string): Promise<void> {
    return this.rest.request({ method: 'DELETE', path: `/bridges/${segment('bridgeId', bridgeId)}` });
  }

  /**
   * 204, then ChannelEnteredBridge per channel. A gone channel gives 400 "Channel not found"
   * or 422 "Channel not in Stasis application". Runs in the channel's queue:
   * a prompt playing on the channel holds it up until the prompt ends.
   */
  async addChannel(bridgeId: string, channel: string | readonly string[], params: AddChannelParams = {}): Promise<void> {
    const channels = channelList(channel);
    return this.rest.request({
      method: 'POST',
      path: `/bridges/${segment('bridgeId', bridgeId)}/addChannel`,
      query: { channel: channels, ...params },
      kind: 'channel-command',
      channel: channels.length === 1 ? channels[0] : undefined,
      ifUnanswered: 'retry',
    });
  }

  /** Runs in the channel's queue, like addChannel. */
  async removeChannel(bridgeId: string, channel: string | readonly string[]): Promise<void> {
    const channels = channelList(channel);
    return this.rest.request({
      method: 'POST',
      path: `/bridges/${segment('bridgeId', bridgeId)}/removeChannel`,
      query: { channel: channels },
      kind: 'channel-command',
      channel: channels.length === 1 ? channels[0] : undefined,
      ifUnanswered: 'retry',
    });
  }

  /** Play to everyone in the bridge (target_uri "bridge:<id>"). */
  async play(bridgeId: string, media: string | readonly string[], params: PlayParams & { playbackId?: string } = {}): Promise<Playback> {
    return this.rest.request({
      method: 'POST',
      path: `/bridges/${segment('bridgeId', bridgeId)}/play`,
      query: { media: mediaList(media), ...params },
      ifUnanswered: params.playbackId ? { lookup: `/playbacks/${segment('playbackId', params.playbackId)}` } : 'fail',
    });
  }

  /**
   * POST /bridges/{id}/record: 201 with the live recording (state queued), then
   * RecordingStarted and, when it ends, RecordingFinished (or RecordingFailed)
   * to the apps watching the bridge. 404 bridge not found, 422 unknown format,
   * 409 a recording of that name exists (ifExists fail) or is in progress,
   * 400 an invalid name, ifExists or terminateOn.
   */
  async record(bridgeId: string, params: RecordBridgeParams): Promise<LiveRecording> {
    return this.rest.request({
      method: 'POST',
      path: `/bridges/${segment('bridgeId', bridgeId)}/record`,
      query: { ...params },
      // Checkable: a recording that started answers GET /recordings/live/{name}.
      ifUnanswered: { lookup: `/recordings/live/${segment('name', params.name)}` },
    });
  }

  async startMoh(bridgeId: string, mohClass?: string): Promise<void> {
    return this.rest.request({ method: 'POST', path: `/bridges/${segment('bridgeId', bridgeId)}/moh`, query: { mohClass }, ifUnanswered: 'retry' });
  }

  async stopMoh(bridgeId: string): Promise<void> {
    return this.rest.request({ method: 'DELETE', path: `/bridges/${segment('bridgeId', bridgeId)}/moh` });
  }
}

function channelList(channel: string | readonly string[]): readonly string[] {
  const list = typeof channel === 'string' ? [channel] : channel;
  if (list.length === 0 || list.some((id) => typeof id !== 'string' || id === '' || id.includes(','))) {
    throw new ValidationError(`channel must be one or more channel ids, got ${JSON.stringify(channel)}`, { channel });
  }
  return list;
}
