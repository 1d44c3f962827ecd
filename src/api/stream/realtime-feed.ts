import type { FastifyBaseLogger } from 'fastify';
import type { RealtimeReport, RealtimeStats } from '../../stats/realtime-stats.js';
import type { SupervisorEventSource } from './supervisor-events.js';

export type ReportListener = (report: RealtimeReport) => void;

export interface RealtimeFeedOptions {
  realtime: RealtimeStats;
  /** Figures are sent this often. */
  intervalMs: number;
  /** Events that make fresh figures worth sending before the next interval. */
  events?: SupervisorEventSource;
  /** How long after such an event the figures are taken (events come in bursts). Default 250 ms. */
  debounceMs?: number;
  logger: FastifyBaseLogger;
}

/**
 * The realtime figures for every open stream, computed once per tick however
 * many wallboards watch, and only while at least one does. Besides the
 * regular interval, a call or agent event brings the next figures forward, so
 * a wallboard shows a new waiting call within a fraction of a second.
 */
export class RealtimeFeed {
  private readonly listeners = new Set<ReportListener>();
  private interval: NodeJS.Timeout | null = null;
  private soon: NodeJS.Timeout | null = null;
  private offEvents: (() => void) | null = null;
  private running = false;
  private again = false;

  constructor(private readonly options: RealtimeFeedOptions) {}

  subscribe(listener: ReportListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.begin();
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.end();
    };
  }

  /** Stops ticking whoever still listens (server shutdown). */
  close(): void {
    this.listeners.clear();
    this.end();
  }

  private begin(): void {
    this.interval = setInterval(() => void this.tick(), this.options.intervalMs);
    this.interval.unref();
    this.offEvents = this.options.events?.subscribe(() => this.bringForward()) ?? null;
  }

  private end(): void {
    if (this.interval) clearInterval(this.interval);
    if (this.soon) clearTimeout(this.soon);
    this.interval = null;
    this.soon = null;
    this.offEvents?.();
    this.offEvents = null;
  }

  private bringForward(): void {
    if (this.soon) return;
    this.soon = setTimeout(() => {
      this.soon = null;
      void this.tick();
    }, this.options.debounceMs ?? 250);
    this.soon.unref();
  }

  private async tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      do {
        this.again = false;
        let report: RealtimeReport;
        try {
          report = await this.options.realtime.report();
        } catch (err) {
          this.options.logger.warn({ err }, 'realtime figures unavailable for the stream');
          return;
        }
        for (const listener of [...this.listeners]) listener(report);
      } while (this.again && this.listeners.size > 0);
    } finally {
      this.running = false;
    }
  }
}
