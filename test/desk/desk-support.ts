import type { AcdEvent } from '../../src/acd/acd-event.js';
import type { HotlineFixture } from '../support/hotline-fixture.js';

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

/** One request to the hotline's HTTP server with a Bearer key or desk session. */
export async function http(hotline: HotlineFixture, method: string, path: string, token: string | null, body?: unknown): Promise<Reply> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`http://127.0.0.1:${hotline.service.port}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

/** An admin key, an agent's PIN set with it, and the agent signed in: the desk session token. */
export async function signedIn(hotline: HotlineFixture, adminKey: string, agentId: string, pin: string): Promise<string> {
  const set = await http(hotline, 'PUT', `/v1/agents/${agentId}/pin`, adminKey, { pin });
  if (set.status !== 204) throw new Error(`setting the PIN of ${agentId} answered ${set.status}`);
  const session = await http(hotline, 'POST', '/desk/sessions', null, { agentId, pin });
  if (session.status !== 201) throw new Error(`signing ${agentId} in answered ${session.status}: ${JSON.stringify(session.body)}`);
  return session.body.token as string;
}

/** The ACD's next event matching `match`. */
export function nextAcdEvent(hotline: HotlineFixture, match: (e: AcdEvent) => boolean): Promise<AcdEvent> {
  return new Promise((resolve) => {
    const off = hotline.service.acd.onEvent((e) => {
      if (match(e)) { off(); resolve(e); }
    });
  });
}
