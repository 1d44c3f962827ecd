import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import type { RealtimeReport } from '../../stats/realtime-stats.js';
import { RECORDING_STATUSES, type RecordingCounts } from '../recording-catalog.js';
import type { SupervisorEvent } from '../stream/supervisor-events.js';
import type { CampaignView } from '../../campaigns/campaign-desk.js';

/**
 * The service's Prometheus metrics, in a registry of its own (several
 * instances can live in one process in tests). Gauges are set from the
 * realtime figures at each scrape (`update`), so a scrape always reads the
 * state of that moment; counters are fed as things happen.
 */
export class HotlineMetrics {
  readonly registry = new Registry();
  private readonly assignments: Counter<'queue'>;
  private readonly ariReconnects: Counter;
  private readonly callbackOutcomes: Counter<'outcome'>;
  private readonly takeovers: Counter<'from'>;
  private readonly callsTakenOver: Counter<'from'>;
  private readonly waiting: Gauge<'queue'>;
  private readonly longestWait: Gauge<'queue'>;
  private readonly estimatedWait: Gauge<'queue'>;
  private readonly tierWaiting: Gauge<'tier'>;
  private readonly serviceLevel: Gauge<'kind' | 'id'>;
  private readonly serviceLevelTarget: Gauge<'tier'>;
  private readonly callsToday: Gauge<'kind' | 'id' | 'result'>;
  private readonly agents: Gauge<'state'>;
  private readonly callbacks: Gauge<'tier' | 'status'>;
  /** Registered at the first scrape with campaigns, so a service without them shows none. */
  private campaigns: Gauge<'campaign' | 'state'> | null = null;
  /** Registered at the first scrape with recordings, so a service without them shows none. */
  private recordings: { byStatus: Gauge<'status'>; startFailures: Gauge } | null = null;

  constructor(options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'hotline_' });
    this.assignments = new Counter({ name: 'hotline_assignments_total', help: 'Calls given to an agent (reserved and rung), by queue', labelNames: ['queue'], registers });
    this.ariReconnects = new Counter({ name: 'hotline_ari_reconnects_total', help: 'Times the ARI events connection was restored after a loss', registers });
    this.callbackOutcomes = new Counter({ name: 'hotline_callback_outcomes_total', help: 'Callback attempts by outcome', labelNames: ['outcome'], registers });
    this.takeovers = new Counter({ name: 'hotline_takeovers_total', help: 'Dead instances whose calls this instance took over, by the dead instance', labelNames: ['from'], registers });
    this.callsTakenOver = new Counter({ name: 'hotline_calls_taken_over_total', help: 'Calls this instance took over from dead instances, by the dead instance', labelNames: ['from'], registers });
    this.waiting = new Gauge({ name: 'hotline_queue_waiting_calls', help: 'Calls waiting for an agent now', labelNames: ['queue'], registers });
    this.longestWait = new Gauge({ name: 'hotline_queue_longest_wait_seconds', help: 'Wait so far of the longest-waiting call', labelNames: ['queue'], registers });
    this.estimatedWait = new Gauge({ name: 'hotline_queue_estimated_wait_seconds', help: 'Expected wait of a call joining the queue now (absent when unknown)', labelNames: ['queue'], registers });
    this.tierWaiting = new Gauge({ name: 'hotline_tier_waiting_calls', help: 'Calls of the tier waiting for an agent now', labelNames: ['tier'], registers });
    this.serviceLevel = new Gauge({ name: 'hotline_service_level_ratio', help: "Today's service level (0-1) by queue or tier; absent before the first answered or late-abandoned call", labelNames: ['kind', 'id'], registers });
    this.serviceLevelTarget = new Gauge({ name: 'hotline_service_level_target_ratio', help: "The tier's service-level target (0-1)", labelNames: ['tier'], registers });
    this.callsToday = new Gauge({ name: 'hotline_calls_today', help: 'Calls since local midnight by queue or tier and result (offered, answered, abandoned)', labelNames: ['kind', 'id', 'result'], registers });
    this.agents = new Gauge({ name: 'hotline_agents', help: 'Agents by state', labelNames: ['state'], registers });
    this.callbacks = new Gauge({ name: 'hotline_callbacks', help: 'Callbacks not yet made, by tier; status pending or overdue', labelNames: ['tier', 'status'], registers });
  }

  /** Sets the recordings' gauges from the counts of this moment. */
  updateRecordings(counts: RecordingCounts): void {
    const registers = [this.registry];
    this.recordings ??= {
      byStatus: new Gauge({ name: 'hotline_recordings', help: 'Recorded conversations by status (recording, copying, stored, failed, deleted), shared by every instance', labelNames: ['status'], registers }),
      startFailures: new Gauge({ name: 'hotline_recording_start_failures', help: 'Conversations the switch refused to record (they went on unrecorded), since the deployment began, shared by every instance', registers }),
    };
    for (const status of RECORDING_STATUSES) this.recordings.byStatus.set({ status }, counts[status]);
    this.recordings.startFailures.set(counts.startFailed);
  }

  /**
   * Sets the campaigns' gauges: each campaign's targets by where they stand
   * (pending, dialling, answered, listened, pressed-0/1/2/9, unreached,
   * failed, skipped, rejected), shared by every instance.
   */
  updateCampaigns(views: readonly CampaignView[]): void {
    this.campaigns ??= new Gauge({ name: 'hotline_campaign_targets', help: "A campaign's numbers by where they stand; listened and pressed-<key> count answered calls", labelNames: ['campaign', 'state'], registers: [this.registry] });
    this.campaigns.reset();
    for (const { campaign, progress: p } of views) {
      const set = (state: string, n: number) => this.campaigns!.set({ campaign: campaign.id, state }, n);
      for (const state of ['pending', 'dialling', 'answered', 'listened', 'unreached', 'failed', 'skipped', 'rejected'] as const) set(state, p[state]);
      for (const key of ['0', '1', '2', '9'] as const) set(`pressed-${key}`, p.pressed[key]);
    }
  }

  /** Counts what the event stream reports (assignments). */
  observe(event: SupervisorEvent): void {
    if (event.kind === 'call' && event.event.type === 'assigned') this.assignments.inc({ queue: event.event.queue });
  }

  ariReconnected(): void {
    this.ariReconnects.inc();
  }

  /** This instance took over a dead instance's calls. */
  tookOver(from: string, calls: number): void {
    this.takeovers.inc({ from });
    this.callsTakenOver.inc({ from }, calls);
  }

  callbackOutcome(outcome: string): void {
    this.callbackOutcomes.inc({ outcome });
  }

  /** Sets every gauge from the figures of this moment (queues or tiers gone since disappear). */
  update(report: RealtimeReport): void {
    for (const gauge of [this.waiting, this.longestWait, this.estimatedWait, this.tierWaiting, this.serviceLevel, this.serviceLevelTarget, this.callsToday, this.agents, this.callbacks]) {
      gauge.reset();
    }
    for (const q of report.queues) {
      this.waiting.set({ queue: q.id }, q.waiting);
      this.longestWait.set({ queue: q.id }, (q.longestWaitMs ?? 0) / 1000);
      if (q.estimatedWaitMs !== null) this.estimatedWait.set({ queue: q.id }, q.estimatedWaitMs / 1000);
      if (q.today.serviceLevelPercent !== null) this.serviceLevel.set({ kind: 'queue', id: q.id }, q.today.serviceLevelPercent / 100);
      this.setCalls('queue', q.id, q.today);
    }
    for (const t of report.tiers) {
      this.tierWaiting.set({ tier: t.id }, t.waiting);
      if (t.today.serviceLevelPercent !== null) this.serviceLevel.set({ kind: 'tier', id: t.id }, t.today.serviceLevelPercent / 100);
      if (t.today.target.percent !== null) this.serviceLevelTarget.set({ tier: t.id }, t.today.target.percent / 100);
      this.setCalls('tier', t.id, t.today);
      this.callbacks.set({ tier: t.id, status: 'pending' }, t.callbacks.pending);
      this.callbacks.set({ tier: t.id, status: 'overdue' }, t.callbacks.overdue);
    }
    for (const [state, n] of Object.entries(report.agents)) this.agents.set({ state }, n);
  }

  private setCalls(kind: string, id: string, today: { offered: number; answered: number; abandoned: number }): void {
    this.callsToday.set({ kind, id, result: 'offered' }, today.offered);
    this.callsToday.set({ kind, id, result: 'answered' }, today.answered);
    this.callsToday.set({ kind, id, result: 'abandoned' }, today.abandoned);
  }
}
