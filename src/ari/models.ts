/**
 * ARI data models and events, typed from Asterisk's `rest-api/api-docs/*.json`
 * (Swagger 1.1 models). Only the resources and events this service uses are
 * listed; optional fields are the ones api-docs marks `required: false` or that
 * Asterisk omits in practice.
 */

export interface CallerID {
  name: string;
  number: string;
}

export interface DialplanCEP {
  context: string;
  exten: string;
  priority: number;
  app_name?: string;
  app_data?: string;
}

/** Channel states as Asterisk names them (channels.json: Channel.state). */
export type ChannelState =
  | 'Down' | 'Rsrved' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy'
  | 'Dialing Offhook' | 'Pre-ring' | 'Unknown';

export interface Channel {
  id: string;
  name: string;
  state: ChannelState;
  protocol_id: string;
  caller: CallerID;
  connected: CallerID;
  accountcode: string;
  dialplan: DialplanCEP;
  creationtime: string;
  language: string;
  channelvars?: Record<string, string>;
  caller_rdnis?: string;
  tenantid?: string;
}

export interface Bridge {
  id: string;
  technology: string;
  bridge_type: 'mixing' | 'holding' | string;
  bridge_class: string;
  creator: string;
  name: string;
  channels: string[];
  creationtime: string;
  video_mode?: string;
  video_source_id?: string;
}

/** As res_stasis_playback reports it: stopped, cancelled and completed all read 'done'. */
export type PlaybackState = 'queued' | 'playing' | 'paused' | 'continuing' | 'done' | 'failed';

export interface Playback {
  id: string;
  media_uri: string;
  next_media_uri?: string;
  target_uri: string;
  language: string;
  state: PlaybackState;
}

/** recordings.json LiveRecording: `duration` (whole seconds) once it has ended. */
export interface LiveRecording {
  name: string;
  format: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  /** `bridge:<id>` or `channel:<id>`. */
  target_uri: string;
  duration?: number;
  talking_duration?: number;
  silence_duration?: number;
  cause?: string;
}

/** recordings.json StoredRecording: a file under Asterisk's recording directory. */
export interface StoredRecording {
  name: string;
  format: string;
}

export interface Variable {
  value: string;
}

export interface Application {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
  endpoint_ids: string[];
  device_names: string[];
  events_allowed: object[];
  events_disallowed: object[];
}

export interface Endpoint {
  technology: string;
  resource: string;
  state?: 'unknown' | 'offline' | 'online' | string;
  channel_ids: string[];
}

export interface AsteriskInfo {
  build?: object;
  system?: { version: string; entity_id: string };
  config?: object;
  status?: { startup_time: string; last_reload_time: string };
}

export interface AsteriskPing {
  asterisk_id: string;
  ping: string;
  timestamp: string;
}

export interface Sound {
  id: string;
  text?: string;
  formats: { language: string; format: string }[];
}

/** Every event carries these (events.json: Message + Event). */
interface EventBase {
  type: string;
  application: string;
  timestamp: string;
  asterisk_id?: string;
}

export interface StasisStart extends EventBase {
  type: 'StasisStart';
  args: string[];
  channel: Channel;
  replace_channel?: Channel;
}
export interface StasisEnd extends EventBase {
  type: 'StasisEnd';
  channel: Channel;
}
export interface ChannelDtmfReceived extends EventBase {
  type: 'ChannelDtmfReceived';
  digit: string;
  duration_ms: number;
  channel: Channel;
}
export interface ChannelStateChange extends EventBase {
  type: 'ChannelStateChange';
  channel: Channel;
}
export interface ChannelHangupRequest extends EventBase {
  type: 'ChannelHangupRequest';
  cause?: number;
  soft?: boolean;
  channel: Channel;
}
export interface ChannelDestroyed extends EventBase {
  type: 'ChannelDestroyed';
  cause: number;
  cause_txt: string;
  channel: Channel;
}
export interface ChannelVarset extends EventBase {
  type: 'ChannelVarset';
  variable: string;
  value: string;
  channel?: Channel;
}
export interface ChannelDialplan extends EventBase {
  type: 'ChannelDialplan';
  channel: Channel;
  dialplan_app: string;
  dialplan_app_data: string;
}
export interface ChannelEnteredBridge extends EventBase {
  type: 'ChannelEnteredBridge';
  bridge: Bridge;
  channel?: Channel;
}
export interface ChannelLeftBridge extends EventBase {
  type: 'ChannelLeftBridge';
  bridge: Bridge;
  channel: Channel;
}
export interface BridgeCreated extends EventBase {
  type: 'BridgeCreated';
  bridge: Bridge;
}
export interface BridgeDestroyed extends EventBase {
  type: 'BridgeDestroyed';
  bridge: Bridge;
}
export interface PlaybackStarted extends EventBase {
  type: 'PlaybackStarted';
  playback: Playback;
}
export interface PlaybackContinuing extends EventBase {
  type: 'PlaybackContinuing';
  playback: Playback;
}
export interface PlaybackFinished extends EventBase {
  type: 'PlaybackFinished';
  playback: Playback;
}
export interface Dial extends EventBase {
  type: 'Dial';
  caller?: Channel;
  peer: Channel;
  forward?: string;
  forwarded?: Channel;
  dialstring?: string;
  dialstatus: string;
}
export interface RecordingStarted extends EventBase {
  type: 'RecordingStarted';
  recording: LiveRecording;
}
/** State `done`, or `canceled` for a recording cancelled (its file deleted). */
export interface RecordingFinished extends EventBase {
  type: 'RecordingFinished';
  recording: LiveRecording;
}
export interface RecordingFailed extends EventBase {
  type: 'RecordingFailed';
  recording: LiveRecording;
}
export interface ApplicationReplaced extends EventBase {
  type: 'ApplicationReplaced';
}

export type AriEvent =
  | StasisStart | StasisEnd | ChannelDtmfReceived | ChannelStateChange
  | ChannelHangupRequest | ChannelDestroyed | ChannelVarset | ChannelDialplan
  | ChannelEnteredBridge | ChannelLeftBridge | BridgeCreated | BridgeDestroyed
  | PlaybackStarted | PlaybackContinuing | PlaybackFinished | Dial | ApplicationReplaced
  | RecordingStarted | RecordingFinished | RecordingFailed;

export type AriEventType = AriEvent['type'];

/** Hang-up causes (Q.850) the service interprets. */
export const HangupCause = {
  NormalClearing: 16,
  UserBusy: 17,
  NoUserResponse: 18,
  NoAnswer: 19,
  SubscriberAbsent: 20,
  CallRejected: 21,
  NoRouteDestination: 3,
  NormalUnspecified: 31,
  NormalClearingSoft: 32,
  Congestion: 34,
} as const;
