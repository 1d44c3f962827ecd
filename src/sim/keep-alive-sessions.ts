import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ConditionsBoard } from './switch-conditions.js';

/** Asterisk waits at least this long for the first request on a new connection (http.c). */
const MIN_INITIAL_REQUEST_TIMEOUT_MS = 10_000;
/** After closing its side, how long the switch waits for the client to close the other before dropping the connection. */
const HALF_CLOSE_GRACE_MS = 1000;

interface Session {
  socket: Socket;
  /** When the connection became idle (accepted, or its last answer written); null while a request is in progress. */
  idleSince: number | null;
  /** True until the first request arrives: the first wait is longer. */
  fresh: boolean;
  timer: NodeJS.Timeout | null;
  closing: boolean;
}

/**
 * HTTP keep-alive as Asterisk's HTTP server does it (http.c, the session loop):
 * after answering a request the connection's thread waits for the next one for
 * `session_keep_alive` (http.conf, 15 s by default) and, when nothing comes,
 * closes the connection. It sends no `Keep-Alive: timeout=` hint, so a client
 * cannot know the server's limit and must keep its own idle timeout shorter. A
 * request sent at the moment the server closes the connection is never
 * executed: the client sees the connection closed (undici: UND_ERR_SOCKET).
 *
 * Node's own keepAliveTimeout is not used because it sends that hint (which
 * undici obeys). Here each connection has an idle timer started when an answer
 * has been written (not running while a request is in progress), and a request
 * that arrives on a connection idle for the keep-alive or more (its timer
 * overdue because the event loop was busy) is not executed: the connection is
 * closed under it, as it would have been a moment earlier.
 */
export class KeepAliveSessions {
  private readonly sessions = new Map<Socket, Session>();

  constructor(private readonly conditions: ConditionsBoard) {
    // A new keep-alive applies to the connections idle now.
    conditions.onChange(() => {
      for (const session of this.sessions.values()) if (session.idleSince !== null && !session.closing) this.arm(session);
    });
  }

  /** Watches the connections of `server`. */
  attach(server: Server): void {
    server.keepAliveTimeout = 0;
    server.on('connection', (socket: Socket) => {
      const session: Session = { socket, idleSince: Date.now(), fresh: true, timer: null, closing: false };
      this.sessions.set(socket, session);
      socket.once('close', () => {
        this.clear(session);
        this.sessions.delete(socket);
      });
      this.arm(session);
    });
  }

  /**
   * Called for each request before it is served: false when the connection
   * was already due to be closed (the request is then never executed and the
   * connection is closed); otherwise the idle timer stops until the answer is
   * written.
   */
  admit(req: IncomingMessage, res: ServerResponse): boolean {
    const session = this.sessions.get(req.socket);
    if (!session) return true;
    if (session.closing || (session.idleSince !== null && Date.now() - session.idleSince >= this.limit(session))) {
      this.close(session);
      return false;
    }
    this.clear(session);
    session.idleSince = null;
    session.fresh = false;
    // Idle from the moment the answer is handed to the socket ('prefinish', inside res.end()), as the
    // server thread starts waiting once it has written its answer; 'finish' comes a loop turn later,
    // after the client may already have read the answer and sent its next request.
    let answered = false;
    const idle = () => {
      if (answered || session.closing) return;
      answered = true;
      session.idleSince = Date.now();
      this.arm(session);
    };
    res.once('prefinish', idle);
    res.once('finish', idle);
    return true;
  }

  /** A connection upgraded to a WebSocket is no longer an HTTP session. */
  release(socket: Socket): void {
    const session = this.sessions.get(socket);
    if (!session) return;
    this.clear(session);
    this.sessions.delete(socket);
  }

  private limit(session: Session): number {
    const keepAlive = this.conditions.get().sessionKeepAliveMs;
    return session.fresh ? Math.max(keepAlive, MIN_INITIAL_REQUEST_TIMEOUT_MS) : keepAlive;
  }

  private arm(session: Session): void {
    this.clear(session);
    if (session.idleSince === null) return;
    const left = session.idleSince + this.limit(session) - Date.now();
    session.timer = setTimeout(() => this.close(session), Math.max(0, left));
  }

  private clear(session: Session): void {
    if (session.timer) clearTimeout(session.timer);
    session.timer = null;
  }

  /**
   * Closes the connection the way a server thread ending its session does:
   * its side first (FIN, so the client sees "other side closed" rather than a
   * reset), the socket itself once the client closes too or after a grace.
   */
  private close(session: Session): void {
    this.clear(session);
    if (session.closing) return;
    session.closing = true;
    const { socket } = session;
    socket.end();
    setTimeout(() => socket.destroy(), HALF_CLOSE_GRACE_MS).unref();
    socket.once('end', () => socket.destroy());
  }
}
