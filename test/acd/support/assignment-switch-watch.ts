import { WebSocket } from 'ws';

/**
 * Watches the simulated switch from outside the service: an events WebSocket
 * subscribed to everything, keeping when each channel was destroyed (by the
 * switch's own event timestamps). The request log says when a leg was rung;
 * this says when it was over — together they give each agent leg's lifetime.
 */
export interface SwitchWatch {
  /** Channel id → when the switch destroyed it (epoch ms). */
  destroyedAt(channelId: string): number | null;
  close(): Promise<void>;
}

export async function watchSwitch(simUrl: string, app = 'assignment-watch'): Promise<SwitchWatch> {
  const destroyed = new Map<string, number>();
  const url = `${simUrl.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&subscribeAll=true`;
  const ws = new WebSocket(url, { headers: { authorization: `Basic ${Buffer.from('ivr:ivr').toString('base64')}` }, perMessageDeflate: false });
  ws.on('message', (data: WebSocket.RawData) => {
    const event = JSON.parse(data.toString()) as { type?: string; timestamp?: string; channel?: { id?: string } };
    if (event.type !== 'ChannelDestroyed' || !event.channel?.id) return;
    const at = event.timestamp ? Date.parse(event.timestamp) : Date.now();
    destroyed.set(event.channel.id, Number.isFinite(at) ? at : Date.now());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    destroyedAt: (id) => destroyed.get(id) ?? null,
    close: () => new Promise<void>((resolve) => {
      if (ws.readyState === WebSocket.CLOSED) return resolve();
      ws.once('close', () => resolve());
      ws.close();
    }),
  };
}
