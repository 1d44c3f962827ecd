import type { TierId } from '../routing/types.js';

/** One caller of a what-if run, from a replay or a forecast. */
export interface SimCall {
  id: string;
  /** When the caller reaches routing, after the menus (ms since the epoch). */
  at: number;
  dialled: string;
  tier: TierId;
  /** The need identified in the menus (a queue id); null: none, the general queue. */
  need: string | null;
  /** A big or important customer beyond their tier (routing rule 4). */
  important: boolean;
  /** How long the caller talks once an agent answers. */
  talkMs: number;
  /** How long the caller waits before giving up; null: never. */
  patienceMs: number | null;
  /** After how long a wait the caller takes a callback (a replay: when they did); null: see takesCallbackOffer. */
  callbackAfterMs: number | null;
  /** A forecast's caller who takes the callback offer when it comes (after their tier's callbackOfferThresholdSec). */
  takesCallbackOffer: boolean;
}

/** One agent of a what-if run: skills and levels, and when they work (ms since the epoch). */
export interface SimAgent {
  id: string;
  skills: Record<string, number>;
  shifts: { from: number; to: number }[];
}
