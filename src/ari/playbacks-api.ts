import type { AriRest } from './ari-rest.js';
import { segment } from './ari-rest.js';
import type { Playback } from './models.js';

export type PlaybackOperation = 'restart' | 'pause' | 'unpause' | 'reverse' | 'forward';

/** /playbacks: prompts in progress. */
export class PlaybacksApi {
  constructor(private readonly rest: AriRest) {}

  async get(playbackId: string): Promise<Playback> {
    return this.rest.request({ method: 'GET', path: `/playbacks/${segment('playbackId', playbackId)}` });
  }

  /** DELETE: stops the playback (and the rest of its media list); PlaybackFinished follows. */
  async stop(playbackId: string): Promise<void> {
    return this.rest.request({ method: 'DELETE', path: `/playbacks/${segment('playbackId', playbackId)}` });
  }

  async control(playbackId: string, operation: PlaybackOperation): Promise<void> {
    return this.rest.request({
      method: 'POST',
      path: `/playbacks/${segment('playbackId', playbackId)}/control`,
      query: { operation },
    });
  }
}
