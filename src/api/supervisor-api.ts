import type { FastifyPluginAsync } from 'fastify';
import { installAuthentication } from './authenticate.js';
import { agentRoutes } from './routes/agent-routes.js';
import { auditRoutes } from './routes/audit-routes.js';
import { callRoutes } from './routes/call-routes.js';
import { campaignRoutes } from './routes/campaign-routes.js';
import { careRoutes } from './routes/care-routes.js';
import { keyRoutes } from './routes/key-routes.js';
import { queueRoutes } from './routes/queue-routes.js';
import { recordingRoutes } from './routes/recording-routes.js';
import { routingRoutes } from './routes/routing-routes.js';
import { statsRoutes } from './routes/stats-routes.js';
import { streamRoutes } from './routes/stream-routes.js';
import { tierRoutes } from './routes/tier-routes.js';
import { whatIfRoutes } from './routes/whatif-routes.js';
import type { SupervisorDeps } from './supervisor-deps.js';
import { deskRoutes } from './desk/desk-routes.js';
import { pinRoutes } from './desk/pin-routes.js';
import { agentStatsRoutes } from './desk/agent-stats-routes.js';

/**
 * The /v1 routes (README, "Supervisor API"). Every one needs a Bearer API key and states the
 * role it needs: viewer reads, supervisor tunes queues and agents, admin
 * manages keys, tiers and rollbacks, auditor (or admin) hears recordings. A
 * route that states no role is refused when it is registered.
 */
export const supervisorApi: FastifyPluginAsync<{ deps: SupervisorDeps }> = async (app, { deps }) => {
  installAuthentication(app, deps.keys, deps.settings.rateLimit);
  for (const routes of [statsRoutes, queueRoutes, tierRoutes, routingRoutes, auditRoutes, agentRoutes, callRoutes, careRoutes, recordingRoutes, keyRoutes, streamRoutes]) {
    await app.register(routes, { deps });
  }
  for (const routes of [deskRoutes, pinRoutes, agentStatsRoutes]) await app.register(routes, { deps });
  await app.register(whatIfRoutes, { deps });
  await app.register(campaignRoutes, { deps });
};
