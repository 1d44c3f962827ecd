import type { AcdEvent } from '../acd/acd-event.js';
import type { Agent, AgentState } from '../acd/agent.js';
import type { AgentDirectory } from '../acd/agent-directory.js';
import type { QueuedCallRecord } from '../acd/redis-acd-store.js';
import type { CallbackService } from '../callbacks/callback-service.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { ComplaintTickets } from '../care/complaint-tickets.js';
import type { CustomerData } from '../customers/customer-data.js';
import { ValidationError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { Lang } from '../prompts/spoken.js';
import { callerContextOrNull } from '../routing/stored-caller-context.js';
import type { RoutingSnapshot } from '../routing/routing-snapshot.js';
import type { Clock } from '../time/clock.js';
import { localDate } from '../time/time-zone.js';
import type { TransferDesk } from '../transfers/transfer-desk.js';
import type { DeskConfig } from './desk-config.js';
import { CallNotCurrentError, DispositionSavedError, NotInWrapUpError, NotYourDeskError } from './desk-errors.js';
import type { DeskNotices } from './desk-notices.js';
import type { CurrentCall, DeskStore, RecentCall } from './desk-store.js';
import { callFactsOf, screenPopOf, type AccountSummary, type CallFacts, type ScreenPop } from './screen-pop.js';

/** States in which an agent has a call on the desk (offered, talking, or wrapping up). */
const WITH_CALL: readonly AgentState[] = ['reserved', 'ringing', 'on-call', 'wrap-up'];

export type DeskStateAction = { action: 'login' } | { action: 'ready' } | { action: 'pause'; reason: string } | { action: 'logout' };

export interface DeskView {
  agent: Agent;
  /** The call ringing, talking or in wrap-up, with its customer; null otherwise. */
  call: ScreenPop | null;
  recent: RecentCall[];
}

export interface AgentDeskOptions {
  agents: Pick<AgentDirectory, 'get' | 'login' | 'ready' | 'pause' | 'logout'>;
  /** The ACD's record of a call being offered or talking. */
  calls: { callRecord(callId: string): Promise<QueuedCallRecord | null> };
  store: DeskStore;
  notices: DeskNotices;
  customers: CustomerData;
  complaints: ComplaintTickets;
  policy: { snapshot(): RoutingSnapshot };
  recorder: CallRecordLog;
  transfers: Pick<TransferDesk, 'request'>;
  callbacks: Pick<CallbackService, 'request'>;
  config: DeskConfig;
  /** Time zone of the bill month ("this month"). */
  timeZone: string;
  language: Lang;
  clock: Clock;
  logger: Logger;
}

/**
 * The agent's desk: what one agent sees and does (README, "The agent desk").
 * It follows the ACD's events: when the agent's phone rings it puts the
 * screen pop together at once from what the call brought (tier, name, need,
 * menus, self-service, wait, transfer) and tells the desk, then looks up the
 * account (balance, bill, open tickets) from the customer data port and tells
 * it again; when the agent leaves wrap-up (or the offer ends) the call and its
 * customer are removed. Every action checks that the call is the agent's own.
 */
export class AgentDesk {
  private readonly options: AgentDeskOptions;
  private readonly dispositionCodes: ReadonlySet<string>;
  private readonly pauseCodes: ReadonlySet<string>;

  constructor(options: AgentDeskOptions) {
    this.options = options;
    this.dispositionCodes = new Set(options.config.dispositions.map((d) => d.code));
    this.pauseCodes = new Set(options.config.pauseReasons.map((d) => d.code));
  }

  get config(): DeskConfig {
    return this.options.config;
  }

  /** Transfer targets: the queues that exist now. */
  queues(): string[] {
    return Object.keys(this.options.policy.snapshot().queues).sort();
  }

  /** Follows the ACD (wired by the service to Acd.onEvent). */
  observe(event: AcdEvent): void {
    if (event.type === 'agent-state') {
      this.options.notices.publish({ type: 'state', agent: event.agent, state: event.state, pauseReason: event.pauseReason, callId: event.callId });
      if (!WITH_CALL.includes(event.state)) void this.clear(event.agent).catch((err: unknown) => this.options.logger.warn({ err, agent: event.agent }, 'could not clear the desk'));
    } else if (event.type === 'ringing') {
      void this.ringing(event.agent, event.callId).catch((err: unknown) => this.options.logger.warn({ err, agent: event.agent, callId: event.callId }, 'screen pop failed'));
    } else if (event.type === 'answered') {
      void this.options.store.patchRecent(event.agent, event.callId, { answeredAt: this.options.clock.now() })
        .catch((err: unknown) => this.options.logger.warn({ err, agent: event.agent }, 'could not note the answer on the desk'));
    }
  }

  async view(agentId: string): Promise<DeskView> {
    const [agent, current, recent] = await Promise.all([this.options.agents.get(agentId), this.options.store.current(agentId), this.options.store.recent(agentId)]);
    return { agent, call: this.shown(agent, current)?.pop ?? null, recent };
  }

  async setState(agentId: string, change: DeskStateAction): Promise<Agent> {
    const { agents } = this.options;
    switch (change.action) {
      case 'login': return agents.login(agentId, { ready: false });
      case 'ready': return agents.ready(agentId);
      case 'logout': return agents.logout(agentId);
      case 'pause':
        if (!this.pauseCodes.has(change.reason)) {
          throw new ValidationError(`reason: must be one of ${[...this.pauseCodes].join(', ')} (desk.pauseReasons)`, { field: 'reason' });
        }
        return agents.pause(agentId, change.reason);
    }
  }

  /** Blind transfer of the agent's own call, talking now, to a queue, with a reason the next agent sees. */
  async transfer(agentId: string, callId: string, queue: string, reason: string): Promise<'transferred' | 'forwarded'> {
    const agent = await this.options.agents.get(agentId);
    await this.ownCall(agent, callId, ['on-call'], 'is not talking to the agent');
    const result = await this.options.transfers.request(callId, queue, `agent ${agentId}`, reason);
    await this.options.store.patchRecent(agentId, callId, { transferredTo: queue });
    return result;
  }

  /** Opens a complaint ticket for the caller of the agent's call (talking or in wrap-up); one per call. */
  async openComplaint(agentId: string, callId: string): Promise<{ ticketId: string; dueAt: number; created: boolean }> {
    const agent = await this.options.agents.get(agentId);
    const { facts } = await this.ownCall(agent, callId, ['on-call', 'wrap-up'], 'is over');
    const openedAt = this.options.clock.now();
    const deadlineSec = this.options.policy.snapshot().tiers[facts.tier]?.complaintDeadlineSec ?? 72 * 3600;
    const { ticket, created } = await this.options.complaints.open({
      callId, tier: facts.tier, number: facts.callerNumber, accountId: facts.accountId, queue: facts.queue, openedAt, dueAt: openedAt + deadlineSec * 1000,
    });
    if (created) await this.options.recorder.append(callId, { type: 'complaint-opened', ticketId: ticket.id, tier: facts.tier }, openedAt);
    await this.options.store.patchRecent(agentId, callId, { complaintId: ticket.id });
    return { ticketId: ticket.id, dueAt: ticket.dueAt, created };
  }

  /** Books a callback to the caller of the agent's call, in the call's queue, keeping its tier and context. */
  async bookCallback(agentId: string, callId: string, note: string): Promise<{ callbackId: string; deadline: number; merged: boolean }> {
    const agent = await this.options.agents.get(agentId);
    const { facts } = await this.ownCall(agent, callId, ['on-call', 'wrap-up'], 'is over');
    if (!facts.callerNumber) throw new CallNotCurrentError(callId, 'has no number to call back (withheld)');
    const booked = await this.options.callbacks.request({
      callId, queue: facts.queue, skill: facts.skill, minAgentLevel: facts.minAgentLevel, priority: facts.priority,
      preferHighestLevel: facts.preferHighestLevel, overflow: facts.overflow, tier: facts.tier, number: facts.callerNumber,
      context: facts.context, reason: `booked by agent ${agentId}: ${note}`, lang: this.options.language,
    });
    await this.options.recorder.append(callId, { type: 'callback-requested', queue: facts.queue, callbackId: booked.callbackId, tier: facts.tier });
    await this.options.store.patchRecent(agentId, callId, { callbackId: booked.callbackId });
    return { callbackId: booked.callbackId, deadline: booked.deadline.getTime(), merged: booked.merged };
  }

  /** Saves how the agent closed one of their recent answered calls: kept in the call record, counted per agent. */
  async dispose(agentId: string, callId: string, code: string): Promise<RecentCall> {
    if (!this.dispositionCodes.has(code)) {
      throw new ValidationError(`code: must be one of ${[...this.dispositionCodes].join(', ')} (desk.dispositions)`, { field: 'code' });
    }
    const call = await this.options.store.recentCall(agentId, callId);
    if (!call) throw new NotYourDeskError('call', callId);
    if (call.answeredAt === null) throw new CallNotCurrentError(callId, 'was never answered by the agent');
    if (call.disposition !== null) throw new DispositionSavedError(callId, call.disposition);
    const saved = await this.options.store.patchRecent(agentId, callId, { disposition: code });
    await this.options.recorder.append(callId, { type: 'disposition', agent: agentId, queue: call.queue, code });
    return saved ?? { ...call, disposition: code };
  }

  /**
   * Ends the agent's wrap-up early (available again). The call must have its
   * disposition: given here, or saved before.
   */
  async endWrapUp(agentId: string, disposition: string | undefined): Promise<Agent> {
    const agent = await this.options.agents.get(agentId);
    if (agent.state !== 'wrap-up' || !agent.callId) throw new NotInWrapUpError(agentId, agent.state);
    const call = await this.options.store.recentCall(agentId, agent.callId);
    if (disposition !== undefined) {
      if (call?.disposition !== disposition) await this.dispose(agentId, agent.callId, disposition);
    } else if (call && call.disposition === null) {
      throw new ValidationError(`disposition: the call needs a disposition before wrap-up ends (one of ${[...this.dispositionCodes].join(', ')})`, { field: 'disposition' });
    }
    return this.options.agents.ready(agentId);
  }

  /** The agent's call `callId` in one of `states`: 403 when it is not the agent's, 409 when it is in another state. */
  private async ownCall(agent: Agent, callId: string, states: readonly AgentState[], why: string): Promise<CurrentCall> {
    const current = await this.options.store.current(agent.id);
    if (agent.callId !== callId) {
      if (await this.options.store.recentCall(agent.id, callId)) throw new CallNotCurrentError(callId, why);
      throw new NotYourDeskError('call', callId);
    }
    if (!states.includes(agent.state)) throw new CallNotCurrentError(callId, why);
    if (current?.pop.callId === callId) return current;
    // The pop was never built (Redis trouble at ring time): the ACD still has the call while it talks.
    const rec = await this.options.calls.callRecord(callId);
    if (!rec) throw new CallNotCurrentError(callId, why);
    const context = this.contextOf(rec);
    return { pop: screenPopOf(rec, context, agent.id, this.options.clock.now(), this.options.config.tierColours), facts: callFactsOf(rec, context) };
  }

  /** Only the current call's customer is ever shown, and only while the agent still has the call. */
  private shown(agent: Agent, current: CurrentCall | null): CurrentCall | null {
    return current && WITH_CALL.includes(agent.state) && agent.callId === current.pop.callId ? current : null;
  }

  private async ringing(agentId: string, callId: string): Promise<void> {
    const { store, notices, clock } = this.options;
    const rec = await this.options.calls.callRecord(callId);
    if (!rec) return;
    const rungAt = clock.now();
    const context = this.contextOf(rec);
    const current: CurrentCall = { pop: screenPopOf(rec, context, agentId, rungAt, this.options.config.tierColours), facts: callFactsOf(rec, context) };
    await store.setCurrent(agentId, current);
    notices.publish({ type: 'pop', agent: agentId, pop: current.pop });
    await store.addRecent(agentId, {
      callId, queue: rec.queue, tier: rec.tier, kind: current.pop.kind, rungAt, answeredAt: null,
      disposition: null, transferredTo: null, complaintId: null, callbackId: null,
    });
    const account = await this.account(current.facts);
    if (!account) return;
    const enriched: CurrentCall = { ...current, pop: { ...current.pop, account } };
    if (await store.updateCurrent(agentId, enriched)) notices.publish({ type: 'pop', agent: agentId, pop: enriched.pop });
  }

  private async clear(agentId: string): Promise<void> {
    if (await this.options.store.clearCurrent(agentId, null)) this.options.notices.publish({ type: 'cleared', agent: agentId, callId: null });
  }

  /** Balance, bill and open tickets of the customer; what the data port cannot answer is said, not hidden. */
  private async account(facts: CallFacts): Promise<AccountSummary | null> {
    if (!facts.accountId && !facts.callerNumber) return null;
    const { customers, complaints, clock } = this.options;
    const now = clock.now();
    const problems: string[] = [];
    let balance: number | null = null;
    let bill: AccountSummary['bill'] = null;
    if (facts.accountId) {
      const accountId = facts.accountId;
      try {
        balance = await customers.balance(accountId);
        const month = localDate(now, this.options.timeZone).slice(0, 7);
        const found = await customers.bill(accountId, month) ?? await customers.bill(accountId, previousMonth(month));
        bill = found ? { month: found.month, total: found.total, toDate: found.toDate === true } : null;
      } catch (err) {
        this.options.logger.warn({ err, callId: facts.callId }, 'customer data port unavailable for the screen pop');
        problems.push('customer data unavailable');
      }
    }
    const open = await complaints.getMany(await complaints.openIds());
    const mine = open.filter((t) => (facts.accountId !== null && t.accountId === facts.accountId) || (facts.callerNumber !== '' && t.number === facts.callerNumber));
    if (!facts.accountId && mine.length === 0) return null;
    return {
      balance,
      bill,
      openComplaints: mine.map((t) => ({ id: t.id, openedAt: t.openedAt, dueAt: t.dueAt, overdue: t.dueAt < now })),
      unavailable: problems.length ? problems.join('; ') : null,
    };
  }

  private contextOf(rec: QueuedCallRecord) {
    return callerContextOrNull(rec.context, (problem) => this.options.logger.warn({ callId: rec.id, problem }, 'stored caller context is malformed; the pop shows what the call record has'));
  }
}

function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
}
