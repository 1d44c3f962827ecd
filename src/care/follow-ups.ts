import type { Redis } from 'ioredis';
import { createRedis, type RedisSentinelSettings } from '../infra/redis-connection.js';
import type { Acd } from '../acd/acd.js';
import type { AcdEvent } from '../acd/acd-event.js';
import { systemClock, type Clock } from '../time/clock.js';
import type { Call, CallControl, OriginateResult } from '../call-control/call-control.js';
import type { CallRecordLog } from '../call-records/call-record-log.js';
import type { CallbackService } from '../callbacks/callback-service.js';
import type { OutboundConfig } from '../outbound/outbound-config.js';
import { customerDialString } from '../outbound/dial-template.js';
import { hangUpLeftover, OUTBOUND_LEG_ARGS } from '../outbound/outbound-legs.js';
import { TryLeases, type TryLease } from '../outbound/try-lease.js';
import { QuietHours } from '../time/quiet-hours.js';
import { Postpone, TimedJobs, type TimedJobData } from '../outbound/timed-jobs.js';
import { dialogueFlows } from '../flows/all-flows.js';
import type { DialogueLine } from '../flows/dialogue-context.js';
import { runDialogue } from '../flows/run-dialogue.js';
import { SURVEY_ANSWER_VAR, SURVEY_COMMENT_TAKEN, SURVEY_THANKS_STEP } from '../flows/survey-flow.js';
import { validateFlows, type FlowSet } from '../flows/validate-flows.js';
import type { Logger } from '../log/logger.js';
import { maskPhone } from '../log/mask.js';
import { decideRoute } from '../routing/decide-route.js';
import type { RoutingPolicy } from '../routing/routing-policy.js';
import type { TierId } from '../routing/types.js';
import type { CareConfig } from './care-config.js';
import { SurveyResults } from './survey-results.js';
import { SurveyStore, type Survey } from './survey-store.js';
import { DIAL_JOB_OPTIONS } from '../outbound/job-worker-settings.js';

export interface FollowUpsOptions {
  config: CareConfig;
  /** How customers are called (callbacks.outbound): dial string, caller id, ring time, quiet hours. */
  outbound: OutboundConfig;
  redis: Redis;
  /** BullMQ gets a connection of its own to the same Redis. */
  redisUrl: string;
  /** With Sentinel, how BullMQ's connection finds the master (none: the URL's server). */
  redisSentinel?: RedisSentinelSettings;
  keyPrefix: string;
  acd: Acd;
  callControl: CallControl;
  policy: RoutingPolicy;
  recorder: CallRecordLog;
  /** Takes the customer's comment (0) as a callback request. */
  callbacks: CallbackService;
  logger: Logger;
  clock?: Clock;
  /**
   * The flows holding the survey dialogue: the service passes the set it
   * validated at start-up against the prompt manifest. Without it, the
   * shipped dialogues, checked for shape and targets only.
   */
  flows?: FlowSet;
  /** Multiplies the customer's answer timeout (tests against a time-compressed simulator). */
  timeScale?: number;
}

/** The dialogue flow a surveyed customer hears. */
const SURVEY_FLOW = 'survey';

/** A handled call, as the ACD reports its end. */
export interface HandledCall {
  callId: string;
  queue: string;
  agent: string;
  tier: TierId;
  callerNumber: string;
}

interface SurveyJob extends TimedJobData {
  surveyId: string;
  attempt: number;
}

/** The reason a comment's callback carries (heard by the agent as the general queue). */
export const SURVEY_COMMENT_REASON = 'survey comment';

const JOB_OPTIONS = DIAL_JOB_OPTIONS;

/**
 * The satisfaction follow-up (回访) after a handled call: the tier's
 * followUpDelaySec after the conversation ends (none when null), an
 * automated call — survey/intro, survey/question (press 1 to 5, or 0 to
 * leave a comment, which books a callback in the general queue with reason
 * "survey comment"), survey/thanks. Answers are summed per tier, queue and
 * agent (SurveyResults) and written to the call's record (`survey-answered`).
 *
 * A number is surveyed at most once per `periodDays`: a second handled call
 * in the period gets no survey. No survey call is made in quiet hours (it
 * waits for their end), and each dial is claimed in Redis before it is made,
 * so a job run again after a crash never dials the same attempt twice.
 */
export class FollowUps {
  readonly results: SurveyResults;
  readonly store: SurveyStore;
  private readonly options: FollowUpsOptions;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly quiet: QuietHours;
  private readonly flows: FlowSet;
  private readonly bull: Redis;
  private readonly jobs: TimedJobs<SurveyJob>;
  private readonly leases: TryLeases;
  private offEvents: (() => void) | null = null;
  private readonly scheduling = new Set<Promise<unknown>>();
  private state: 'new' | 'started' | 'stopped' = 'new';

  constructor(options: FollowUpsOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger.child({ component: 'follow-ups' });
    this.quiet = new QuietHours(options.outbound.quietHours);
    this.flows = options.flows ?? validateFlows(dialogueFlows, { has: () => true });
    this.store = new SurveyStore(options.redis, options.keyPrefix);
    this.results = new SurveyResults(options.redis, options.keyPrefix, options.config.timeZone);
    this.bull = createRedis({ ...options.redisSentinel, url: options.redisUrl }, 'jobs', { lazyConnect: true });
    this.bull.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'job queue redis error'));
    // Well over the job lock (care.survey.workers), so a worker that is only slow keeps its dial (see TryLeases).
    this.leases = new TryLeases(options.redis, this.store.base, options.config.survey.workers.tryLeaseMs);
    this.jobs = new TimedJobs<SurveyJob>({
      name: 'surveys', connection: this.bull, prefix: `${options.keyPrefix}:{bull}`, clock: this.clock, logger: this.logger, jobOptions: JOB_OPTIONS,
    });
  }

  /** Follows up the calls this instance's ACD ends, and makes the survey calls due. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error(`the follow-ups were already ${this.state}`);
    this.state = 'started';
    await this.jobs.queue.waitUntilReady();
    const { concurrency, workers } = this.options.config.survey;
    this.jobs.work((job) => this.run(job.data), {
      concurrency,
      lockDurationMs: workers.lockDurationMs,
      stalledIntervalMs: workers.stalledIntervalMs,
      maxStalledCount: workers.maxStalledCount,
    });
    this.offEvents = this.options.acd.onEvent((event: AcdEvent) => {
      if (event.type !== 'ended') return;
      const done = this.handled({ callId: event.callId, queue: event.queue, agent: event.agent, tier: event.tier, callerNumber: event.callerNumber })
        .catch((err: unknown) => this.logger.error({ err, callId: event.callId }, 'could not schedule the follow-up'))
        .finally(() => this.scheduling.delete(done));
      this.scheduling.add(done);
    });
    // Surveys whose job was lost (a crash between the record and the job) get it back.
    for (const id of await this.store.pendingIds()) {
      const survey = await this.store.get(id);
      if (survey?.state === 'scheduled') await this.addJob(survey, survey.attempts + 1, survey.dueAt);
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.offEvents?.();
    await this.jobs.close();
    await this.bull.quit().catch(() => this.bull.disconnect());
  }

  /**
   * A call was handled by an agent: schedules its survey. Null when none is
   * due: the tier has no follow-up, the number is withheld, or the number
   * was already surveyed (or is to be) within the period.
   */
  async handled(call: HandledCall): Promise<Survey | null> {
    const delaySec = this.options.policy.snapshot().tiers[call.tier]?.followUpDelaySec ?? null;
    if (delaySec === null) return null;
    const number = call.callerNumber.replace(/[\s-]/g, '');
    if (!/^\+?\d{5,20}$/.test(number)) return null;
    const now = this.clock.now();
    const dueAt = this.quiet.nextAllowed(now + delaySec * 1000);
    const survey: Survey = {
      id: `sv-${call.callId}`,
      callId: call.callId,
      number,
      tier: call.tier,
      queue: call.queue,
      agent: call.agent,
      scheduledAt: now,
      dueAt,
      state: 'scheduled',
      attempts: 0,
      score: null,
      comment: false,
      callbackId: null,
      answeredAt: null,
    };
    const periodMs = this.options.config.survey.periodDays * 86_400_000;
    if (!(await this.store.schedule(survey, now, dueAt + periodMs))) {
      this.logger.info({ callId: call.callId, number: maskPhone(number) }, 'no follow-up: the number is surveyed within the period');
      return null;
    }
    await this.addJob(survey, 1, dueAt);
    this.logger.info({ surveyId: survey.id, tier: call.tier, due: new Date(dueAt).toISOString() }, 'follow-up scheduled');
    return survey;
  }

  async get(id: string): Promise<Survey | null> {
    return this.store.get(id);
  }

  /** Resolves once the follow-ups of the calls ended so far are scheduled (or found not due). */
  async scheduled(): Promise<void> {
    while (this.scheduling.size) await Promise.allSettled([...this.scheduling]);
  }

  /** After moving a virtual clock: run the survey calls it made due. */
  async catchUp(): Promise<void> {
    await this.jobs.catchUp();
  }

  /** Survey jobs waiting or running (0 when all is quiet). */
  async pendingWork(): Promise<number> {
    const c = await this.jobs.queue.getJobCounts('waiting', 'active', 'prioritized');
    return (c.waiting ?? 0) + (c.active ?? 0) + (c.prioritized ?? 0);
  }

  private async addJob(survey: Survey, attempt: number, at: number): Promise<void> {
    await this.jobs.at('survey', `survey-${survey.id}-${attempt}`, { surveyId: survey.id, attempt }, at);
  }

  /**
   * One dial of a survey, by one run at a time: a run of the same job still
   * holding the dial's lease (its BullMQ lock lapsed, but it is only slow)
   * is left alone, and this job comes back when that lease would lapse.
   */
  private async run(job: SurveyJob): Promise<Postpone | string> {
    const taken = await this.leases.takeOver(`survey:${job.surveyId}:${job.attempt}`);
    if ('heldForMs' in taken) return new Postpone(this.clock.now() + taken.heldForMs + 1);
    try {
      return await this.dial(job, taken.lease);
    } finally {
      await taken.lease.release();
    }
  }

  private async dial(job: SurveyJob, lease: TryLease): Promise<Postpone | string> {
    const survey = await this.store.get(job.surveyId);
    if (!survey || survey.state === 'answered' || survey.state === 'unreached' || survey.state === 'no-response') return 'done';
    const now = this.clock.now();
    if (this.quiet.isQuiet(now)) return new Postpone(this.quiet.nextAllowed(now));
    const leg = `${survey.id}-d${job.attempt}`;
    const claim = await this.store.claim(survey.id, job.attempt, 30 * 86_400, lease.fence);
    if (claim === 'not-scheduled' || claim === 'lease-lost') return claim;
    if (claim === 'claimed-before') {
      // The run that dialled is gone (this one holds the lease): that dial is not made again, and whatever is left of it goes.
      await hangUpLeftover(this.options.callControl, leg);
      if (survey.state === 'dialling' && survey.attempts === job.attempt) await this.notReached(survey, job.attempt, 'interrupted');
      return 'interrupted';
    }
    const { outbound } = this.options;
    let result: OriginateResult;
    try {
      result = await this.options.callControl.originate({
        endpoint: customerDialString(outbound.dialTemplate, survey.number),
        callerId: outbound.callerId,
        timeoutSec: outbound.ringSec,
        channelId: leg,
        args: [OUTBOUND_LEG_ARGS.survey, survey.id],
        variables: { HOTLINE_SURVEY_ID: survey.id },
      });
    } catch (err) {
      this.logger.warn({ err, surveyId: survey.id }, 'could not dial a survey');
      result = { kind: 'failed', cause: null, message: (err as Error).message };
    }
    if (!(await lease.held())) {
      // Silent longer than the lease: the run that took the dial over owns it now.
      if (result.kind === 'answered') await result.call.hangup();
      return 'taken-over';
    }
    if (result.kind !== 'answered') {
      await this.notReached(survey, job.attempt, result.kind);
      return result.kind;
    }
    await this.converse(survey, result.call);
    return 'answered';
  }

  private async notReached(survey: Survey, attempt: number, why: string): Promise<void> {
    const { survey: settings } = this.options.config;
    if (attempt >= settings.attempts) {
      await this.store.update(survey.id, { state: 'unreached', attempts: attempt }, true);
      this.logger.info({ surveyId: survey.id, attempts: attempt, result: why }, 'survey: customer not reached');
      return;
    }
    const dueAt = this.quiet.nextAllowed(this.clock.now() + settings.retryDelaySec * 1000);
    await this.store.update(survey.id, { state: 'scheduled', attempts: attempt, dueAt });
    await this.addJob(survey, attempt + 1, dueAt);
  }

  /** The survey dialogue (the `survey` flow) with the customer on the line. */
  private async converse(survey: Survey, call: Call): Promise<void> {
    const line: DialogueLine = {
      call, log: this.logger.child({ surveyId: survey.id }), callerNumber: survey.number, lang: this.options.config.survey.language, vars: {},
    };
    const options = { timeScale: this.options.timeScale ?? 1 };
    let end = await runDialogue(line, this.flows, { flow: SURVEY_FLOW }, options);
    // The answer counts once pressed, even if the customer hangs up straight after.
    const answer = line.vars[SURVEY_ANSWER_VAR] ?? '';
    const score = /^[1-5]$/.test(answer) ? Number(answer) : null;
    const comment = answer === '0';
    let callbackId: string | null = null;
    if (comment) {
      callbackId = await this.commentCallback(survey);
      if (end.kind === 'done' && end.result === SURVEY_COMMENT_TAKEN) {
        end = await runDialogue(line, this.flows, { flow: SURVEY_FLOW, step: SURVEY_THANKS_STEP }, options);
      }
    }
    if (end.kind === 'done') await call.hangup();
    const answeredAt = this.clock.now();
    const answered = score !== null || comment;
    // The state and the figures in one step: a stop or crash between them can neither lose the figures nor count them twice.
    const tx = this.options.redis.multi();
    this.store.updateTo(tx, survey.id, { state: answered ? 'answered' : 'no-response', score, comment, callbackId, answeredAt }, true);
    if (answered) this.results.addTo(tx, { tier: survey.tier, queue: survey.queue, agent: survey.agent, score, comment, at: answeredAt });
    await tx.exec();
    if (!answered) return;
    await this.options.recorder.append(survey.callId, { type: 'survey-answered', surveyId: survey.id, tier: survey.tier, queue: survey.queue, agent: survey.agent, score, comment }, answeredAt);
    this.logger.info({ surveyId: survey.id, score, comment }, 'survey answered');
  }

  /** The customer pressed 0: an agent calls them back about it, from the general queue. */
  private async commentCallback(survey: Survey): Promise<string | null> {
    try {
      const d = decideRoute({ dialled: '10000', need: 'general', tier: survey.tier, customer: null, policy: this.options.policy.snapshot(), transfer: null });
      const booked = await this.options.callbacks.request({
        callId: survey.callId, queue: d.queue, skill: d.skill, minAgentLevel: d.minAgentLevel, priority: d.priority,
        preferHighestLevel: d.preferHighestLevel, overflow: d.overflow, tier: survey.tier, number: survey.number,
        context: null, reason: SURVEY_COMMENT_REASON, lang: this.options.config.survey.language,
      });
      await this.options.recorder.append(survey.callId, { type: 'callback-requested', queue: d.queue, callbackId: booked.callbackId, tier: survey.tier }, this.clock.now());
      return booked.callbackId;
    } catch (err) {
      this.logger.error({ err, surveyId: survey.id }, 'could not book the callback for a survey comment');
      return null;
    }
  }
}
