import { ValidationError } from '../errors.js';
import type { AriRest } from './ari-rest.js';
import { segment } from './ari-rest.js';
import type { Application } from './models.js';

/** /applications: the Stasis apps and what each is subscribed to. */
export class ApplicationsApi {
  constructor(private readonly rest: AriRest) {}

  async list(): Promise<Application[]> {
    return this.rest.request({ method: 'GET', path: '/applications' });
  }

  async get(app: string): Promise<Application> {
    return this.rest.request({ method: 'GET', path: `/applications/${segment('app', app)}` });
  }

  /**
   * Subscribe `app` to event sources: `channel:<id>`, `bridge:<id>`, `endpoint:<tech>/<resource>`,
   * `deviceState:<name>`, or a bare `bridge:` / `channel:` for all of that kind.
   */
  async subscribe(app: string, eventSource: string | readonly string[]): Promise<Application> {
    return this.rest.request({
      method: 'POST',
      path: `/applications/${segment('app', app)}/subscription`,
      query: { eventSource: sources(eventSource) },
    });
  }

  async unsubscribe(app: string, eventSource: string | readonly string[]): Promise<Application> {
    return this.rest.request({
      method: 'DELETE',
      path: `/applications/${segment('app', app)}/subscription`,
      query: { eventSource: sources(eventSource) },
    });
  }
}

const SOURCE = /^(channel|bridge|endpoint|deviceState):[^,]*$/;

function sources(eventSource: string | readonly string[]): readonly string[] {
  const list = typeof eventSource === 'string' ? [eventSource] : eventSource;
  const bad = list.find((s) => !SOURCE.test(s));
  if (list.length === 0 || bad !== undefined) {
    throw new ValidationError(
      `eventSource must be channel:<id>, bridge:<id>, endpoint:<tech>/<resource> or deviceState:<name>, got ${JSON.stringify(bad ?? '')}`,
      { eventSource: list },
    );
  }
  return list;
}
