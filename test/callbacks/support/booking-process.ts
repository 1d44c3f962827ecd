/**
 * A service process for the kill tests: starts the ACD and the callback
 * service against the given Redis and simulated Asterisk, optionally logs
 * agents in, books COUNT callbacks for numbers FIRST_NUMBER, FIRST_NUMBER+1...
 * and prints one JSON line `{"booked": [ids]}`; then runs until it is killed.
 *
 * Environment: REDIS_URL, PREFIX, SIM_URL, APP, COUNT, FIRST_NUMBER,
 * AGENTS (comma-separated agent ids to log in, already defined in Redis).
 */
import { startCallbackWorld } from './callback-world.js';
import { DURABILITY_CALLBACKS, DURABILITY_QUEUES } from './durability-settings.js';

const env = process.env;
const world = await startCallbackWorld({
  redisUrl: env.REDIS_URL!,
  prefix: env.PREFIX!,
  simUrl: env.SIM_URL!,
  app: env.APP!,
  callbacks: DURABILITY_CALLBACKS,
  queues: DURABILITY_QUEUES,
});
for (const agent of (env.AGENTS ?? '').split(',').filter(Boolean)) await world.acd.agents.login(agent);
const count = Number(env.COUNT);
const first = Number(env.FIRST_NUMBER);
const booked: string[] = [];
for (let i = 0; i < count; i++) {
  const result = await world.callbacks.request({
    callId: `kill-call-${first + i}`,
    queue: 'billing',
    skill: 'billing',
    minAgentLevel: 1,
    priority: 20,
    preferHighestLevel: false,
    overflow: null,
    tier: 'standard',
    number: String(first + i),
    context: null,
    reason: 'need billing',
    lang: 'zh',
  });
  booked.push(result.callbackId);
}
process.stdout.write(`${JSON.stringify({ booked })}\n`);
// Keep serving until killed.
setInterval(() => undefined, 60_000);
