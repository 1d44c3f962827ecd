import { WebSocket } from 'ws';

/**
 * Watches the simulated switch from outside the service: an events WebSocket
 * subscribed to everything, keeping when each channel was answered and when
 * it was destroyed (by the switch's own event timestamps). The request log
 * says when a leg was rung; this says whether it was answered and when it was
 * over — together they give each leg's lifetime.
 */
export interface SwitchWatch {
  /** Channel id → when the switch destroyed it (epoch ms). */
  destroyedAt(channelId: string): number | null;
  /** Channel id → when the switch first reported it up (answered). */
  answeredAt(channelId: string): number | null;
  close(): Promise<void>;
}

export async function watchSwitch(simUrl: string, app = 'assignment-watch'): Promise<SwitchWatch> {
  const destroyed = new Map<string, number>();
  const answered = new Map<string, number>();
  const url = `${simUrl.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&subscribeAll=true`;
  const ws = new WebSocket(url, { headers: { authorization: `Basic ${Buffer.from('ivr:ivr').toString('base64')}` }, perMessageDeflate: false });
  ws.on('message', (data: WebSocket.RawData) => {
    const event = JSON.parse(data.toString()) as { type?: string; timestamp?: string; channel?: { id?: string; state?: string } };
    const id = event.channel?.id;
    if (!id) return;
    const parsed = event.timestamp ? Date.parse(event.timestamp) : Number.NaN;
    const at = Number.isFinite(parsed) ? parsed : Date.now();
    if (event.type === 'ChannelDestroyed') destroyed.set(id, at);
    else if (event.channel?.state === 'Up' && !answered.has(id)) answered.set(id, at);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    destroyedAt: (id) => destroyed.get(id) ?? null,
    answeredAt: (id) => answered.get(id) ?? null,
    close: () => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close();
    }),
  };
}
