import type { AriRest } from './ari-rest.js';
import type { AsteriskInfo, AsteriskPing } from './models.js';

export type InfoSection = 'build' | 'system' | 'config' | 'status';

/** /asterisk: who we talk to, and whether it answers. */
export class AsteriskApi {
  constructor(private readonly rest: AriRest) {}

  async info(only?: readonly InfoSection[]): Promise<AsteriskInfo> {
    return this.rest.request({ method: 'GET', path: '/asterisk/info', query: { only } });
  }

  async ping(): Promise<AsteriskPing> {
    return this.rest.request({ method: 'GET', path: '/asterisk/ping' });
  }
}
