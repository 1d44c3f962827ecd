import { randomUUID } from 'node:crypto';
import { AppError, NotFoundError, ValidationError } from '../errors.js';
import type { CustomerData } from '../customers/customer-data.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { Clock } from '../time/clock.js';
import type { Campaign, CampaignKind, CampaignLimits, CampaignPacing, CampaignProgress, Rejection, TargetResult, TargetSource } from './campaign.js';
import type { CampaignFlows } from './campaign-flows-check.js';
import type { CampaignStore, ControlAction } from './campaign-store.js';
import type { CampaignsConfig } from './campaigns-config.js';
import type { DoNotCallList } from './do-not-call.js';
import { parseTargetCsv, withoutDoNotCall } from './target-list.js';
import { queryTargets } from './target-query.js';

/** The flow each kind runs unless the campaign brings its own. */
const SHIPPED_FLOW: Record<CampaignKind, string> = { reminder: 'campaign-reminder', notice: 'campaign-notice' };

export interface NewCampaign {
  name: string;
  kind: CampaignKind;
  target: TargetSource;
  /** A shipped flow's id, or a flow of the campaign's own (checked against the prompt manifest). */
  flow?: string | Record<string, unknown>;
  /** No dial before (ms); now by default. */
  startAt?: number;
  /** No dial after (ms). */
  endAt: number;
  limits?: Partial<CampaignLimits>;
  /** Paced by the limits alone (the default), or agent-assisted: by the agents of a skill as they become free. */
  pacing?: { mode: 'limits' } | { mode: 'assisted'; skill: string };
}

export interface CampaignView {
  campaign: Campaign;
  progress: CampaignProgress;
}

export class CampaignStateError extends AppError {
  constructor(id: string, action: string, status: string) {
    super(409, 'campaign-state', `campaign ${id} is ${status}: it cannot ${action}`, { id, action, status });
  }
}

export interface CampaignDeskDeps {
  store: CampaignStore;
  dnc: DoNotCallList;
  flows: CampaignFlows;
  customers: CustomerData;
  policy: RoutingPolicy;
  config: CampaignsConfig;
  clock: Clock;
  changed: (campaignId: string) => void;
}

/** What the supervisor API does with campaigns and the do-not-call list. */
export class CampaignDesk {
  constructor(private readonly deps: CampaignDeskDeps) {}

  /**
   * Creates a campaign in draft: its flow checked, its targets found (the
   * query) or read row by row (the list), the rows refused reported with their
   * line. Nothing is dialled before it is started.
   */
  async create(input: NewCampaign, createdBy: string): Promise<{ campaign: Campaign; rejected: Rejection[]; truncated: boolean }> {
    const { config, clock } = this.deps;
    const now = clock.now();
    const startAt = input.startAt ?? now;
    if (input.endAt <= startAt) throw new ValidationError('schedule.endAt: must be after schedule.startAt (or now)', { field: 'schedule.endAt' });
    const limits: CampaignLimits = {
      concurrent: input.limits?.concurrent ?? config.maxDialsPerCampaign,
      attempts: input.limits?.attempts ?? config.retry.attempts,
      retryDelaySec: input.limits?.retryDelaySec ?? config.retry.delaySec,
    };
    if (limits.concurrent > config.maxDialsPerCampaign) {
      throw new ValidationError(`limits.concurrent: at most ${config.maxDialsPerCampaign} (campaigns.maxDialsPerCampaign)`, { field: 'limits.concurrent' });
    }
    const pacing = this.pacing(input.pacing);
    const id = randomUUID().replace(/-/g, '').slice(0, 10);
    let flowId: string;
    let ownFlow: string | null = null;
    if (input.flow === undefined || typeof input.flow === 'string') {
      flowId = input.flow ?? SHIPPED_FLOW[input.kind];
      if (!this.deps.flows.isShipped(flowId)) throw new ValidationError(`flow: no dialogue flow "${flowId}"`, { field: 'flow' });
    } else {
      flowId = this.deps.flows.check(input.flow).id;
      ownFlow = JSON.stringify(input.flow);
    }
    const list = await this.targets(input.target);
    const onList = await this.deps.dnc.which(list.targets.map((t) => t.number));
    const { targets, rejected } = withoutDoNotCall(list, onList);
    if (targets.length + rejected.length > config.maxTargets) {
      throw new ValidationError(`target: at most ${config.maxTargets} numbers (campaigns.maxTargets)`, { field: 'target' });
    }
    const campaign: Campaign = {
      id, name: input.name, kind: input.kind, flowId, ownFlow, status: 'draft', startAt, endAt: input.endAt, limits, pacing,
      createdAt: now, createdBy, startedAt: null, endedAt: null, stopReason: null, targets: targets.length, rejected: rejected.length,
    };
    await this.deps.store.create(campaign, targets, rejected);
    this.deps.changed(id);
    return { campaign, rejected, truncated: list.truncated };
  }

  async view(id: string): Promise<CampaignView> {
    const campaign = await this.deps.store.get(id);
    if (!campaign) throw new NotFoundError('campaign', id);
    return { campaign, progress: await this.deps.store.progress(id) };
  }

  async list(limit: number): Promise<CampaignView[]> {
    const campaigns = await this.deps.store.list(limit);
    return Promise.all(campaigns.map(async (campaign) => ({ campaign, progress: await this.deps.store.progress(campaign.id) })));
  }

  /** start, pause, resume, stop: 409 naming the status when the campaign cannot. */
  async control(id: string, action: ControlAction): Promise<{ before: Campaign; after: CampaignView }> {
    const before = await this.deps.store.get(id);
    if (!before) throw new NotFoundError('campaign', id);
    const done = await this.deps.store.control(id, action, this.deps.clock.now(), action === 'stop' ? 'supervisor' : '');
    if (done.result === 'missing') throw new NotFoundError('campaign', id);
    if (done.result === 'refused') throw new CampaignStateError(id, action, done.status);
    this.deps.changed(id);
    return { before, after: await this.view(id) };
  }

  async results(id: string): Promise<TargetResult[]> {
    if (!(await this.deps.store.get(id))) throw new NotFoundError('campaign', id);
    return this.deps.store.results(id);
  }

  async rejections(id: string): Promise<Rejection[]> {
    if (!(await this.deps.store.get(id))) throw new NotFoundError('campaign', id);
    return this.deps.store.rejections(id);
  }

  /** Adds numbers to the do-not-call list: each checked, the bad ones reported (index from 1), the rest added. */
  async addDoNotCall(numbers: readonly string[], source: string): Promise<{ added: number; rejected: Rejection[] }> {
    const csv = parseTargetCsv(numbers.join('\n'));
    const added = await this.deps.dnc.add(csv.targets.map((t) => t.number), source, this.deps.clock.now());
    return { added, rejected: csv.rejected.filter((r) => r.reason !== 'duplicate') };
  }

  /** Imports a CSV of numbers (a `number` column first): rows checked one by one, bad ones reported with their line. */
  async importDoNotCall(csv: string, source: string): Promise<{ added: number; rejected: Rejection[] }> {
    const parsed = parseTargetCsv(csv);
    const added = await this.deps.dnc.add(parsed.targets.map((t) => t.number), source, this.deps.clock.now());
    return { added, rejected: parsed.rejected.filter((r) => r.reason !== 'duplicate') };
  }

  async removeDoNotCall(number: string): Promise<boolean> {
    return this.deps.dnc.remove(number);
  }

  listDoNotCall(offset: number, limit: number) {
    return this.deps.dnc.list(offset, limit);
  }

  /** An assisted campaign's skill must be served by a queue: its tries wait there for an agent. */
  private pacing(input: NewCampaign['pacing']): CampaignPacing {
    if (input?.mode !== 'assisted') return { mode: 'limits' };
    const queues = Object.values(this.deps.policy.snapshot().queues);
    const queue = queues.find((q) => q.id === input.skill && q.skill === input.skill) ?? queues.find((q) => q.skill === input.skill);
    if (!queue) {
      const skills = [...new Set(queues.map((q) => q.skill))].sort().join(', ');
      throw new ValidationError(`pacing.skill: no queue serves skill "${input.skill}" (skills: ${skills})`, { field: 'pacing.skill' });
    }
    return { mode: 'assisted', skill: input.skill, queue: queue.id };
  }

  private async targets(source: TargetSource) {
    if (source.kind === 'csv') return { ...parseTargetCsv(source.csv), truncated: false };
    // A customer backend that is down answers 503 (BackendUnavailableError): the campaign is not created half-targeted.
    return queryTargets(this.deps.customers, source, this.deps.policy.snapshot(), this.deps.config.maxTargets);
  }
}
