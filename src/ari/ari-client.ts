import { ApplicationsApi } from './applications-api.js';
import { AriRest, type AriRestOptions } from './ari-rest.js';
import { AsteriskApi } from './asterisk-api.js';
import { BridgesApi } from './bridges-api.js';
import { ChannelsApi } from './channels-api.js';
import { EndpointsApi } from './endpoints-api.js';
import { PlaybacksApi } from './playbacks-api.js';
import { RecordingsApi } from './recordings-api.js';

export type AriClientOptions = AriRestOptions;

/**
 * Typed client of the ARI REST interface, one group per resource, written
 * against Asterisk's rest-api/api-docs. Events come through `AriConnection`.
 */
export class AriClient {
  readonly rest: AriRest;
  readonly asterisk: AsteriskApi;
  readonly applications: ApplicationsApi;
  readonly channels: ChannelsApi;
  readonly bridges: BridgesApi;
  readonly playbacks: PlaybacksApi;
  readonly recordings: RecordingsApi;
  readonly endpoints: EndpointsApi;

  constructor(options: AriClientOptions) {
    this.rest = new AriRest(options);
    this.asterisk = new AsteriskApi(this.rest);
    this.applications = new ApplicationsApi(this.rest);
    this.channels = new ChannelsApi(this.rest);
    this.bridges = new BridgesApi(this.rest);
    this.playbacks = new PlaybacksApi(this.rest);
    this.recordings = new RecordingsApi(this.rest);
    this.endpoints = new EndpointsApi(this.rest);
  }

  /** Closes the HTTP sockets; requests in flight fail with ari-connection-lost. */
  close(): Promise<void> {
    return this.rest.close();
  }
}
