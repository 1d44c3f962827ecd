import { connect, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export type ProxyMode =
  /** Forward bytes both ways. */
  | 'pass'
  /** Close new connections at once, as if nothing listened. */
  | 'refuse'
  /** Accept, but forward nothing either way: a switch that hangs. */
  | 'stall';

/**
 * A TCP relay between a client and the simulated Asterisk, to put a network
 * fault between them on demand: cut every connection, refuse new ones, or let
 * everything go silent.
 */
export class TcpProxy {
  mode: ProxyMode = 'pass';
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  private listenPort = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.listenPort}`;
  }

  async start(): Promise<void> {
    this.server = createServer((client) => this.accept(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.listenPort = (this.server.address() as AddressInfo).port;
  }

  /** Drops every open connection (both ends). */
  cutAll(): void {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    this.pairs.clear();
  }

  async close(): Promise<void> {
    this.cutAll();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    this.pairs.add(pair);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.pairs.delete(pair);
    };
    client.on('data', (chunk) => {
      if (this.mode !== 'stall') upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.mode !== 'stall') client.write(chunk);
    });
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  }
}
