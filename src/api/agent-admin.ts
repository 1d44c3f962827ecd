import type { AgentDirectory } from '../acd/agent-directory.js';

/** What the supervisor API does with agents: the ACD's AgentDirectory. */
export type AgentAdmin = Pick<AgentDirectory, 'list' | 'get' | 'add' | 'update' | 'remove' | 'login' | 'ready' | 'pause' | 'logout'>;
