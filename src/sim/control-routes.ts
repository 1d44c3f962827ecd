import type { Bridge, Channel } from '../ari/models.js';
import { parseAgentBehaviour, type AgentBehaviour } from './agent-behaviour.js';
import { badRequest } from './ari-http-error.js';
import { noContent, ok, type Router } from './http-router.js';
import type { RecordedRequest } from './request-log.js';
import { parseConditionsPatch, type ConditionsPatch, type SwitchConditions } from './switch-conditions.js';

/** What the control endpoints act on (the running simulator). */
export interface SimControl {
  requests(): RecordedRequest[];
  clearRequests(): void;
  failNextRequests(count: number, status?: number): void;
  setConditions(patch: ConditionsPatch): SwitchConditions;
  getConditions(): SwitchConditions;
  dropWebSockets(): void;
  restart(): Promise<void>;
  setAgent(resource: string, behaviour: AgentBehaviour): void;
  channels(): Channel[];
  bridges(): Bridge[];
  mohChannels(): string[];
  /** Pushes a raw event; returns how many apps received it. */
  pushEvent(event: Record<string, unknown>): number;
}

/**
 * Test and demo control under /sim, in the spirit of a mock server: inspect
 * the requests received, inject failures and events, script the agents, drop
 * the WebSockets or restart the whole switch.
 */
export function addControlRoutes(router: Router, sim: SimControl): void {
  router.on('GET', '/requests', () => ok(sim.requests()));
  router.on('DELETE', '/requests', () => {
    sim.clearRequests();
    return noContent();
  });

  router.on('POST', '/events', (req) => {
    const event = req.body;
    if (!event || typeof event !== 'object' || Array.isArray(event)) throw badRequest('body must be one event as a JSON object');
    if (typeof (event as { type?: unknown }).type !== 'string') throw badRequest('event needs a string "type"');
    return ok({ delivered: sim.pushEvent(event as Record<string, unknown>) });
  });

  router.on('POST', '/drop-websockets', () => {
    sim.dropWebSockets();
    return noContent();
  });

  router.on('POST', '/fail-next', (req) => {
    const count = Number(req.query.get('count') ?? '1');
    const status = Number(req.query.get('status') ?? '500');
    if (!Number.isInteger(count) || count < 0) throw badRequest(`count must be a non-negative integer, got ${req.query.get('count')}`);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw badRequest(`status must be an HTTP error status (400-599), got ${req.query.get('status')}`);
    }
    sim.failNextRequests(count, status);
    return noContent();
  });

  // How slow the switch is and how long it keeps idle connections: {latencyMs, maxConcurrentRequests, sessionKeepAliveMs}.
  router.on('GET', '/conditions', () => ok(sim.getConditions()));
  // A bad field answers 400 naming it.
  router.on('PUT', '/conditions', (req) => ok(sim.setConditions(parseConditionsPatch(req.body))));

  router.on('POST', '/restart', () => {
    // Answer first: the restart closes this very connection.
    setImmediate(() => {
      sim.restart().catch(() => undefined);
    });
    return { status: 202, body: { restarting: true } };
  });

  router.on('PUT', '/agents/{resource}', (req) => {
    const resource = req.params.resource ?? '';
    if (!resource || resource.includes('/')) throw badRequest('resource must be an endpoint resource such as 1001');
    sim.setAgent(resource, parseAgentBehaviour(req.body));
    return noContent();
  });

  router.on('GET', '/channels', () => ok(sim.channels()));
  router.on('GET', '/bridges', () => ok(sim.bridges()));
  router.on('GET', '/moh', () => ok(sim.mohChannels()));
}
