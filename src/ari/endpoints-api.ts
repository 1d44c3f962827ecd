import type { AriRest } from './ari-rest.js';
import { segment } from './ari-rest.js';
import type { Endpoint } from './models.js';

/** /endpoints: the phones and trunks Asterisk knows (agents' PJSIP endpoints). */
export class EndpointsApi {
  constructor(private readonly rest: AriRest) {}

  async list(tech?: string): Promise<Endpoint[]> {
    const path = tech === undefined ? '/endpoints' : `/endpoints/${segment('tech', tech)}`;
    return this.rest.request({ method: 'GET', path });
  }

  async get(tech: string, resource: string): Promise<Endpoint> {
    return this.rest.request({
      method: 'GET',
      path: `/endpoints/${segment('tech', tech)}/${segment('resource', resource)}`,
    });
  }
}
