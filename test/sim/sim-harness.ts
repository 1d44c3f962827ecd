import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fetch } from 'undici';
import { WebSocket } from 'ws';
import { startSimulatedAsterisk, type SimOptions, type SimulatedAsterisk } from '../../src/sim/simulated-asterisk.js';
import { silentWav } from '../../src/media/silent-wav.js';

/** An event as it arrives on the WebSocket. */
export type AriMessage = Record<string, unknown> & {
  type: string;
  application?: string;
  channel?: { id: string; name: string; state: string } & Record<string, unknown>;
};

export interface RestResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export const AUTH = `Basic ${Buffer.from('ivr:ivr').toString('base64')}`;

export async function startSim(options: SimOptions = {}): Promise<SimulatedAsterisk> {
  return startSimulatedAsterisk({ port: 0, speed: 20, soundsDir: null, ...options });
}

/** A REST call to the simulator with the test credentials (or none / others). */
export async function rest<T = any>(
  sim: { url: string },
  method: string,
  path: string,
  query: Record<string, string | number | undefined> = {},
  body?: unknown,
  auth: string | null = AUTH,
): Promise<RestResult<T>> {
  const url = new URL(path, sim.url);
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = auth;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers as unknown as Headers };
}

/**
 * An events WebSocket that records everything it receives, so a test can wait
 * for an event that may already have arrived, and check the order of events.
 */
export class EventStream {
  readonly events: AriMessage[] = [];
  readonly closed: Promise<void>;
  private readonly waiters = new Set<{ match: (e: AriMessage) => boolean; resolve: (e: AriMessage) => void }>();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as AriMessage;
      this.events.push(event);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(event)) {
          this.waiters.delete(waiter);
          waiter.resolve(event);
        }
      }
    });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static open(sim: { url: string }, apps: string, extraQuery = ''): Promise<EventStream> {
    const url = `${sim.url.replace('http', 'ws')}/ari/events?app=${encodeURIComponent(apps)}&api_key=ivr:ivr${extraQuery}`;
    const socket = new WebSocket(url);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new EventStream(socket)));
      socket.once('error', reject);
    });
  }

  /** The first event (already received or still to come) that matches; fails after `timeoutMs`. */
  waitFor(match: (e: AriMessage) => boolean, what: string, timeoutMs = 5000): Promise<AriMessage> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (e: AriMessage) => {
          clearTimeout(timer);
          resolve(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got: ${this.summary()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Waits for an event of `type` about channel `channelId` (any channel when omitted). */
  waitForType(type: string, channelId?: string, timeoutMs?: number): Promise<AriMessage> {
    return this.waitFor((e) => e.type === type && (channelId === undefined || e.channel?.id === channelId), `${type}${channelId ? ` on ${channelId}` : ''}`, timeoutMs);
  }

  /** Types of the events about one channel, in arrival order. */
  typesFor(channelId: string): string[] {
    return this.events.filter((e) => e.channel?.id === channelId || (e.peer as { id?: string } | undefined)?.id === channelId).map((e) => e.type);
  }

  ofType(type: string): AriMessage[] {
    return this.events.filter((e) => e.type === type);
  }

  summary(): string {
    return this.events.map((e) => `${e.type}${e.channel ? `(${e.channel.id})` : ''}@${e.application}`).join(', ') || '(nothing)';
  }

  close(): Promise<void> {
    this.socket.close();
    return this.closed;
  }
}

/** Places a call like the call tool: Local/<number>@from-external for app `harness`; returns the ;1 channel. */
export async function placeLocalCall(
  sim: { url: string },
  number: string,
  extra: Record<string, string | number | undefined> = {},
): Promise<{ id: string; name: string; state: string }> {
  const res = await rest(sim, 'POST', '/ari/channels', {
    endpoint: `Local/${number}@from-external`,
    app: 'harness',
    callerId: '"Test Caller" <+15551230000>',
    ...extra,
  });
  if (res.status !== 200) throw new Error(`originate answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `check` holds (state the simulator reaches asynchronously); fails after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A sounds directory with 16-bit 8 kHz mono WAV files of the given lengths. */
export function makeSoundsDir(files: Record<string, number>): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'sim-sounds-'));
  for (const [relative, ms] of Object.entries(files)) {
    const path = join(dir, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, wav(ms));
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function wav(ms: number): Buffer {
  return silentWav(ms);
}
