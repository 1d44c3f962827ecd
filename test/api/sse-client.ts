/** A minimal server-sent-events reader for the tests: waits for events by name. */
export interface SseEvent {
  event: string;
  data: unknown;
}

export class SseClient {
  private readonly received: SseEvent[] = [];
  private readonly waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  private readonly controller = new AbortController();
  private done: Promise<void> = Promise.resolve();
  status = 0;
  contentType = '';
  /** Every event received, in the order the server sent them. */
  readonly log: SseEvent[] = [];

  static async open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    const res = await fetch(url, { headers, signal: client.controller.signal });
    client.status = res.status;
    client.contentType = res.headers.get('content-type') ?? '';
    if (res.ok && res.body) client.done = client.read(res.body).catch(() => undefined);
    return client;
  }

  /** The first event received from now on (or already received and not yet taken) that matches. */
  next(event: string, match: (data: any) => boolean = () => true): Promise<SseEvent> {
    const test = (e: SseEvent) => e.event === event && match(e.data);
    const i = this.received.findIndex(test);
    if (i >= 0) return Promise.resolve(this.received.splice(i, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ match: test, resolve }));
  }

  /** Resolves when the server ends the stream (or close() is called). */
  get ended(): Promise<void> {
    return this.done;
  }

  async close(): Promise<void> {
    this.controller.abort();
    await this.done;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of body) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event: ')) event = line.slice(7);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length) this.deliver({ event, data: JSON.parse(data.join('\n')) });
      }
    }
  }

  private deliver(e: SseEvent): void {
    this.log.push(e);
    const i = this.waiters.findIndex((w) => w.match(e));
    if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(e);
    else this.received.push(e);
  }
}
