import type { RecordedCallEvent } from '../call-records/call-event.js';
import type { TierId } from '../routing/types.js';
import { PatienceCurve, type PatienceObservation } from './kaplan-meier.js';
import type { SeededRandom } from './seeded-random.js';
import type { SimCall } from './sim-call.js';

/** Turnarounds needed before they are trusted over the ring times alone. */
const MIN_TURNAROUNDS = 5;
/** Talk time assumed when the period answered nobody at all. */
const DEFAULT_TALK_MS = 180_000;

/** What one recorded call tells of its caller, before the unknowns are drawn. */
interface Observed {
  id: string;
  at: number;
  dialled: string;
  tier: TierId;
  queue: string;
  need: string | null;
  important: boolean;
  /** How the first wait in a queue ended, and after how long. */
  outcome: 'answered' | 'abandoned' | 'callback' | 'left' | 'open';
  waitMs: number | null;
  talkMs: number | null;
}

export interface ReplayCalls {
  calls: SimCall[];
  /** Callers whose patience was drawn from the curve (answered, called back or still waiting). */
  patienceDrawn: number;
  /** Answered calls whose talk time was not recorded, and unanswered ones: talk time drawn from the queue's. */
  talkDrawn: number;
  /** An agent's median time from one conversation's end to the next answer while callers waited (else from ring to answer); null when nobody answered. */
  ringMs: number | null;
}

/**
 * The callers of a recorded period, from the call-record stream: when each
 * reached routing (after the menus), the number dialled, tier, need, and for
 * the talk time what was observed. Patience is the wait of a caller who gave
 * up, and otherwise drawn from the period's Kaplan–Meier curve beyond the
 * wait observed (per tier when that tier had abandons). Callers who never
 * reached a queue (self-service) are not part of a replay. A caller
 * transferred to a second queue is replayed for the first one only.
 *
 * `events` must hold the period's calls from their arrival to their end
 * (read a margin past `to`); a call counts when it was routed in [from, to).
 */
export function replayCalls(events: readonly RecordedCallEvent[], from: number, to: number, random: SeededRandom): ReplayCalls {
  const seen = new Map<string, Partial<Observed> & { arrivedDialled?: string; offeredAt?: number }>();
  const rings: number[] = [];
  /** Agent → when their last conversation ended; and the gaps from there to their next answer while a caller waited. */
  const lastEnded = new Map<string, number>();
  const turnarounds: number[] = [];
  const order: string[] = [];
  for (const e of events) {
    let call = seen.get(e.callId);
    if (!call) {
      call = { id: e.callId };
      seen.set(e.callId, call);
      order.push(e.callId);
    }
    switch (e.type) {
      case 'arrived':
        call.arrivedDialled = e.dialled;
        break;
      case 'route':
        if (call.at !== undefined) break;
        call.at = e.at;
        call.tier = e.tier;
        call.queue = e.queue;
        call.need = e.rules.includes(1) || e.queue !== 'general' ? e.queue : null;
        call.important = e.rules.includes(4);
        call.outcome = 'open';
        break;
      case 'offered':
        call.offeredAt = e.at;
        break;
      case 'answered': {
        if (call.offeredAt !== undefined) rings.push(e.at - call.offeredAt);
        const ended = lastEnded.get(e.agent);
        if (ended !== undefined && call.at !== undefined && call.at <= ended) turnarounds.push(e.at - ended);
        if (call.outcome === 'open' && e.queue === call.queue) {
          call.outcome = 'answered';
          call.waitMs = e.waitMs;
        }
        break;
      }
      case 'abandoned':
        if (call.outcome === 'open' && e.queue === call.queue) {
          call.outcome = 'abandoned';
          call.waitMs = e.waitMs;
        }
        break;
      case 'left-queue':
        if (call.outcome === 'open' && e.queue === call.queue) {
          call.outcome = 'left';
          call.waitMs = e.waitMs;
        }
        break;
      case 'callback-requested':
        if (call.outcome === 'left' || call.outcome === 'open') call.outcome = 'callback';
        break;
      case 'agent-ended':
        if (call.talkMs === undefined && e.queue === call.queue) call.talkMs = e.talkMs;
        lastEnded.set(e.agent, e.at);
        break;
      default:
    }
  }

  const observed: Observed[] = [];
  for (const id of order) {
    const c = seen.get(id)!;
    if (c.at === undefined || c.at < from || c.at >= to) continue;
    observed.push({
      id,
      at: c.at,
      dialled: c.arrivedDialled ?? '10000',
      tier: c.tier!,
      queue: c.queue!,
      need: c.need ?? null,
      important: c.important ?? false,
      outcome: c.outcome ?? 'open',
      waitMs: c.waitMs ?? null,
      talkMs: c.talkMs ?? null,
    });
  }
  observed.sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));

  // A loop, not a spread: a day's records are hundreds of thousands of events.
  let end = to;
  for (const e of events) end = Math.max(end, e.at);
  const waitOf = (o: Observed): number => o.waitMs ?? Math.max(0, end - o.at);
  const curveOf = patienceCurves(observed, waitOf);
  const talks = talkTimes(observed);

  let patienceDrawn = 0;
  let talkDrawn = 0;
  const calls = observed.map((o): SimCall => {
    let patienceMs: number | null;
    if (o.outcome === 'abandoned') {
      patienceMs = o.waitMs;
    } else {
      patienceMs = curveOf(o.tier).sampleBeyond(waitOf(o), random.next());
      patienceDrawn += 1;
    }
    let talkMs = o.talkMs;
    if (talkMs === null) {
      const pool = talks.get(o.queue) ?? talks.get('*') ?? [];
      talkMs = pool.length > 0 ? random.pick(pool) : DEFAULT_TALK_MS;
      talkDrawn += 1;
    }
    return {
      id: o.id,
      at: o.at,
      dialled: o.dialled,
      tier: o.tier,
      need: o.need,
      important: o.important,
      talkMs,
      patienceMs,
      callbackAfterMs: o.outcome === 'callback' ? o.waitMs : null,
      takesCallbackOffer: false,
    };
  });
  // An agent's turnaround between two conversations while callers wait (the ring, and the switch's and
  // the service's time to hang up, free the agent and ring them again) is what the run must reproduce;
  // without enough of those, the ring alone (offer to answer).
  return { calls, patienceDrawn, talkDrawn, ringMs: median(turnarounds.length >= MIN_TURNAROUNDS ? turnarounds : rings) };
}

/** A curve per tier (from that tier's waits) when the tier had abandons, else the whole period's. */
function patienceCurves(observed: readonly Observed[], waitOf: (o: Observed) => number): (tier: TierId) => PatienceCurve {
  const byTier = new Map<TierId, PatienceObservation[]>();
  const all: PatienceObservation[] = [];
  for (const o of observed) {
    const obs = { waitMs: waitOf(o), abandoned: o.outcome === 'abandoned' };
    all.push(obs);
    let list = byTier.get(o.tier);
    if (!list) byTier.set(o.tier, (list = []));
    list.push(obs);
  }
  const overall = new PatienceCurve(all);
  const curves = new Map<TierId, PatienceCurve>();
  for (const [tier, list] of byTier) {
    if (list.some((o) => o.abandoned)) curves.set(tier, new PatienceCurve(list));
  }
  return (tier) => curves.get(tier) ?? overall;
}

/** Observed talk times by queue, and all of them under '*'. */
function talkTimes(observed: readonly Observed[]): Map<string, number[]> {
  const out = new Map<string, number[]>([['*', []]]);
  for (const o of observed) {
    if (o.talkMs === null) continue;
    let list = out.get(o.queue);
    if (!list) out.set(o.queue, (list = []));
    list.push(o.talkMs);
    out.get('*')!.push(o.talkMs);
  }
  return out;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}
