import { z } from 'zod';
import { agentSchema } from './agent-schema.js';

/**
 * The `agents:` section of the configuration (config/agents.yaml): the agents
 * known when the service starts. At run time the supervisor API adds, changes
 * and removes agents; those changes live in Redis and win over this list
 * (an agent already in Redis is not redefined from the file at start-up).
 */
export const agentsConfigSchema = z.array(agentSchema)
  .superRefine((agents, ctx) => {
    const ids = new Map<string, number>();
    const dials = new Map<string, number>();
    agents.forEach((agent, i) => {
      const sameId = ids.get(agent.id);
      if (sameId !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate agent id ${agent.id} (also item ${sameId})` });
      else ids.set(agent.id, i);
      // One phone per dial string on each switch: PJSIP/1001 may exist on two switches.
      const where = `${agent.switch ?? ''} ${agent.dial}`;
      const sameDial = dials.get(where);
      if (sameDial !== undefined) ctx.addIssue({ code: 'custom', path: [i, 'dial'], message: `dial string ${agent.dial} is already used by item ${sameDial}` });
      else dials.set(where, i);
    });
  })
  .default([]);

export type AgentsConfig = z.infer<typeof agentsConfigSchema>;
