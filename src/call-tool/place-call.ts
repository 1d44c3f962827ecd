import { randomUUID } from 'node:crypto';
import { AriConnection } from '../ari/ari-connection.js';
import type { AriEvent } from '../ari/models.js';
import { OUTCOME_VAR, type PublishedOutcome } from '../ivr/outcome-var.js';
import { idFromMedia, type PromptManifest } from '../prompts/prompt-manifest.js';
import type { Lang } from '../prompts/spoken.js';
import { AnswerWatch } from './answer-watch.js';

/** Access numbers the service answers with self-service (the 10001 menu). */
const SELF_SERVICE_NUMBERS: ReadonlySet<string> = new Set(['10001']);

export interface PlaceCallOptions {
  ariUrl: string;
  user: string;
  password: string;
  /** The service's Stasis app: checked before dialling so a missing service is a clear error. */
  serviceApp: string;
  /** Dialplan context of the access numbers (asterisk/extensions.conf). */
  context?: string;
  number: string;
  from: string;
  /** Key groups, each sent once the prompts before it have finished. */
  keys: string[];
  manifest: PromptManifest;
  /** Silence after the last prompt that means the IVR waits for the caller (ms). */
  quietMs?: number;
  /** Longest wait for an agent once queued (ms). */
  maxQueueWaitMs?: number;
  /** Longest call in all (ms). */
  maxCallMs?: number;
  /**
   * When each key group is pressed: after the prompts before it finished (a
   * caller who listens), or as soon as a prompt is playing (barge-in).
   */
  keyTiming?: 'after-prompts' | 'during-prompt';
  /** How long to stay on the line once an agent answers (ms); 0 hangs up at once. */
  talkMs?: number;
  /** Hang up as the caller as soon as this returns true (checked on every event). */
  hangupWhen?: (progress: { heard: readonly { media: string }[]; pressed: readonly string[] }) => boolean;
  /**
   * Hang up once the service has published a self-service outcome after the
   * last keys and the prompt giving the answer (the balance…) has been heard
   * to its end, instead of listening on until the menu waits for keys again.
   * Default: on for the self-service number 10001, off otherwise.
   */
  hangupAfterOutcome?: boolean;
}

export interface CallReport {
  number: string;
  from: string;
  heard: { media: string; text: string }[];
  pressed: string[];
  outcome:
    | PublishedOutcome
    | { kind: 'error'; message: string };
  durationMs: number;
  /** The service's channel (the `;2` half): the call id in its logs and call records. */
  callId?: string;
}

/**
 * Places one call into an access number through ARI, as a caller would: a
 * Local channel into the `from-external` context (the simulator's dialplan, or
 * a real Asterisk's), listening on the `;1` half as its own Stasis app. It
 * hears the prompts played to the `;2` half (whose events the originator
 * receives), presses each key group after the prompts before it finished, and
 * follows the service's HOTLINE_OUTCOME channel variable to know where the
 * call ended. With a self-service outcome it hangs up once the answer has been
 * heard (`hangupAfterOutcome`, see AnswerWatch for how the answer is told
 * apart), as a caller who got what they called for would.
 */
export async function placeCall(options: PlaceCallOptions): Promise<CallReport> {
  const started = Date.now();
  const quietMs = options.quietMs ?? 1200;
  const maxQueueWaitMs = options.maxQueueWaitMs ?? 120_000;
  const maxCallMs = options.maxCallMs ?? 300_000;
  const talkMs = options.talkMs ?? 0;
  const hangupAfterOutcome = options.hangupAfterOutcome ?? SELF_SERVICE_NUMBERS.has(options.number);
  const answer = new AnswerWatch();
  const app = `${options.serviceApp}-caller-${randomUUID().slice(0, 8)}`;
  const report: CallReport = { number: options.number, from: options.from, heard: [], pressed: [], outcome: { kind: 'hangup', reason: 'caller' }, durationMs: 0 };
  const conn = new AriConnection({
    url: options.ariUrl, user: options.user, password: options.password, app,
    reconnect: { initialDelayMs: 100, maxDelayMs: 1000, factor: 2 },
  });
  let published: PublishedOutcome | null = null;
  const active = new Set<string>();
  const announcedNext = new Map<string, string>();
  const hear = (media: string, language: string) => {
    // Once the caller has hung up, what the service starts playing is not heard.
    if (hungUp) return;
    const lang: Lang = language === 'en' ? 'en' : 'zh';
    report.heard.push({ media, text: textOf(options.manifest, media, lang) });
  };
  let lastSound = 0;
  let ended = false;
  /** The tool hung up as the caller (rather than the service ending the call). */
  let hungUp = false;
  const caller = randomUUID();
  const service = randomUUID();
  const wake = new Set<() => void>();
  const notify = () => { for (const w of [...wake]) w(); };
  const hangUp = () => {
    if (hungUp || ended) return;
    hungUp = true;
    ended = true;
    void conn.client.channels.hangup(caller).catch(() => {});
  };

  const onEvent = (event: AriEvent) => {
    switch (event.type) {
      // Asterisk announces each item of a media list: PlaybackStarted, then
      // PlaybackContinuing (with next_media_uri) between items; some versions
      // also send PlaybackStarted for every item. Count each item once.
      case 'PlaybackStarted': {
        active.add(event.playback.id);
        answer.playbackStarted(event.playback.id);
        const media = event.playback.media_uri;
        if (announcedNext.get(event.playback.id) !== media) hear(media, event.playback.language);
        announcedNext.delete(event.playback.id);
        lastSound = Date.now();
        break;
      }
      case 'PlaybackContinuing': {
        const next = event.playback.next_media_uri;
        if (next) {
          hear(next, event.playback.language);
          announcedNext.set(event.playback.id, next);
        }
        lastSound = Date.now();
        break;
      }
      case 'PlaybackFinished':
        active.delete(event.playback.id);
        announcedNext.delete(event.playback.id);
        lastSound = Date.now();
        answer.playbackFinished(event.playback.id);
        if (hangupAfterOutcome && answer.answerHeard) hangUp();
        break;
      case 'ChannelVarset':
        if (event.variable === OUTCOME_VAR) {
          try {
            published = JSON.parse(event.value) as PublishedOutcome;
            answer.outcome(published);
          } catch { /* not ours */ }
        }
        break;
      case 'StasisEnd':
      case 'ChannelHangupRequest':
      case 'ChannelDestroyed':
        ended = true;
        break;
      default:
        break;
    }
    notify();
  };

  const waitFor = (test: () => boolean, timeoutMs: number): Promise<boolean> =>
    new Promise((resolve) => {
      if (test()) return resolve(true);
      const check = () => { if (test()) done(true); };
      const timer = setTimeout(() => done(false), timeoutMs);
      const poll = setInterval(check, 100);
      const done = (v: boolean) => { clearTimeout(timer); clearInterval(poll); wake.delete(check); resolve(v); };
      wake.add(check);
    });

  const quiet = () => active.size === 0 && lastSound > 0 && Date.now() - lastSound >= quietMs;
  const keyMoment = options.keyTiming === 'during-prompt' ? () => active.size > 0 : quiet;
  const hangupCheck = () => {
    if (hungUp || ended || !options.hangupWhen) return;
    if (options.hangupWhen({ heard: report.heard, pressed: report.pressed })) hangUp();
  };
  wake.add(hangupCheck);

  try {
    conn.start();
    await conn.waitUntilReady(10_000);
    await assertServiceListening(conn, options.serviceApp);
    conn.events.onChannel(caller, onEvent, app);
    conn.events.onChannel(service, onEvent, app);
    await conn.client.channels.originateWithId(caller, {
      endpoint: `Local/${options.number}@${options.context ?? 'from-external'}`,
      app,
      callerId: options.from,
      timeout: 30,
      otherChannelId: service,
    });

    if (options.keys.length === 0) answer.lastKeysSent();
    for (const [i, group] of options.keys.entries()) {
      const ready = await waitFor(() => ended || keyMoment(), maxCallMs);
      if (!ready || ended) break;
      // Before the request: the service may act on the keys before its answer reaches us.
      if (i === options.keys.length - 1) answer.lastKeysSent();
      await conn.client.channels.sendDtmf(caller, group, { between: 100, duration: 100 });
      report.pressed.push(group);
      hangupCheck();
      // The keys take (duration + gap) each to arrive; do not mistake that for silence.
      lastSound = Date.now() + group.length * 200;
    }

    // After the last keys: until the service ends the call, an agent answers, or
    // the IVR is quietly waiting for input again with an outcome in hand.
    const deadline = started + maxCallMs;
    await waitFor(() => {
      if (ended) return true;
      const o = published as PublishedOutcome | null;
      if (!o) return false;
      if (o.kind === 'agent' || o.kind === 'queued') return true;
      return quiet();
    }, Math.max(0, deadline - Date.now()));
    const kind = () => (published as PublishedOutcome | null)?.kind;
    // Queued: wait for an agent. Talking: stay on the line for talkMs; a
    // transfer puts the call back in a queue, and the wait starts again.
    for (let legs = 0; !ended && legs < 10; legs++) {
      if (kind() === 'queued') {
        const answered = await waitFor(() => ended || kind() === 'agent', maxQueueWaitMs);
        if (!answered) break;
      }
      if (ended || kind() !== 'agent' || talkMs <= 0) break;
      await waitFor(() => ended || kind() !== 'agent', talkMs);
      if (kind() !== 'queued') break;
    }
    const final = published as PublishedOutcome | null;
    report.outcome = final ?? { kind: 'hangup', reason: ended && !hungUp ? 'service' : 'caller' };
  } catch (err) {
    report.outcome = { kind: 'error', message: (err as Error).message };
  } finally {
    if (!ended || hungUp) await conn.client.channels.hangup(caller).catch(() => {});
    await conn.stop();
    report.durationMs = Date.now() - started;
    report.callId = service;
  }
  return report;
}

function textOf(manifest: PromptManifest, media: string, lang: Lang): string {
  const id = idFromMedia(media);
  return id && manifest.has(id) ? manifest.text(id, lang) : '';
}

async function assertServiceListening(conn: AriConnection, serviceApp: string): Promise<void> {
  const apps = await conn.client.applications.list();
  if (!apps.some((a) => a.name === serviceApp)) {
    throw new Error(`no service is connected to ARI as Stasis app "${serviceApp}" (is the hotline service running? set ARI_APP to its app name)`);
  }
}
