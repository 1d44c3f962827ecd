import type { AriRest } from './ari-rest.js';
import { segment } from './ari-rest.js';
import type { LiveRecording, StoredRecording } from './models.js';

/** /recordings: recordings in progress (live) and the files Asterisk keeps (stored). */
export class RecordingsApi {
  constructor(private readonly rest: AriRest) {}

  /** 404 "Recording not found" once it has ended. */
  async getLive(name: string): Promise<LiveRecording> {
    return this.rest.request({ method: 'GET', path: `/recordings/live/${segment('name', name)}` });
  }

  /** Ends it and keeps the file (RecordingFinished, state done); 409 when not recording, 404 when over. */
  async stop(name: string): Promise<void> {
    return this.rest.request({ method: 'POST', path: `/recordings/live/${segment('name', name)}/stop`, ifUnanswered: 'retry' });
  }

  /** Ends it and deletes the file (RecordingFinished, state canceled). */
  async cancel(name: string): Promise<void> {
    return this.rest.request({ method: 'DELETE', path: `/recordings/live/${segment('name', name)}` });
  }

  async listStored(): Promise<StoredRecording[]> {
    return this.rest.request({ method: 'GET', path: '/recordings/stored' });
  }

  async getStored(name: string): Promise<StoredRecording> {
    return this.rest.request({ method: 'GET', path: `/recordings/stored/${segment('name', name)}` });
  }

  /** The file's bytes (Content-Type audio/wav for a wav); 404 "Recording not found". */
  async getStoredFile(name: string): Promise<Buffer> {
    return this.rest.request({ method: 'GET', path: `/recordings/stored/${segment('name', name)}/file`, response: 'bytes' });
  }

  async deleteStored(name: string): Promise<void> {
    return this.rest.request({ method: 'DELETE', path: `/recordings/stored/${segment('name', name)}` });
  }
}
