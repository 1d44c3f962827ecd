import type { AgentPins } from '../../auth/agent-pins.js';
import type { CallRecordLog } from '../../call-records/call-record-log.js';
import type { AgentDesk } from '../../desk/agent-desk.js';
import type { DeskNotices } from '../../desk/desk-notices.js';

/** What the agents' desk routes work with; built by the service. */
export interface DeskDeps {
  desk: AgentDesk;
  notices: DeskNotices;
  pins: AgentPins;
  /** The call records, for the agents' figures (GET /v1/stats/agents). */
  callRecords: Pick<CallRecordLog, 'range'>;
}
