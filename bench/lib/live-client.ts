/**
 * A participant's live-session connection as the browser keeps it, for the benchmark and the failover
 * test: WebSocket only, joins the session's room on every (re)connect, then asks `session:sync` for what
 * it missed, and applies the numbered events strictly in `seq` order, each exactly once (an event already
 * applied is dropped; one that arrives ahead of a gap is held until the replay fills the gap).
 *
 * Times are wall-clock with sub-millisecond resolution (`performance.timeOrigin + performance.now()`),
 * so that several client processes on one machine can be compared with the sender's clock.
 */
import { io, type Socket } from "socket.io-client";
import type { SessionEventMessage } from "~/domain/sessions/sessions.events.ts";
import type { SessionCommand, SessionCommandAck } from "~/realtime/events.ts";

export const now = (): number => performance.timeOrigin + performance.now();

export interface LiveClientOptions {
  url: string;
  sessionId: string;
  /** The full Cookie header (e.g. `synochi_session=<token>`); anonymous without it. */
  cookie?: string;
  /** The last seq the client already has (from the server-rendered page); replay starts after it. */
  since?: number;
  /** Reconnect after a lost connection (default true). */
  reconnect?: boolean;
  /** Join the session's room (default true); a client that only sends commands need not. */
  join?: boolean;
  /** Called once per applied event, in seq order. `live` is false for events that came by replay. */
  onEvent?: (event: SessionEventMessage, receivedAt: number, live: boolean) => void;
  /** Keep every applied event in `events` (tests); off by default to keep 1,000+ clients light. */
  keepEvents?: boolean;
  timeoutMs?: number;
}

export class LiveSessionClient {
  readonly socket: Socket;
  /** The highest seq applied; every seq up to it has been applied exactly once. */
  lastSeq: number;
  readonly events: SessionEventMessage[] = [];
  applied = 0;
  /** Events received again after they had been applied (dropped, never shown twice). */
  duplicatesDropped = 0;
  /** Completed reconnections, and for each the time from losing the connection to being in sync again. */
  reconnects = 0;
  readonly reconnectMs: number[] = [];
  /** When each reconnection was complete (joined and in sync again). */
  readonly reconnectedAt: number[] = [];
  /** Per reconnection: ms from losing the connection to connected, to joined, to in sync. */
  readonly reconnectPhases: { connected: number; joined: number; synced: number }[] = [];
  /** When the last connection was lost (null while connected). */
  disconnectedAt: number | null = null;
  lastDisconnectReason: string | null = null;
  /** Failed joins or replays (each is retried by reconnecting). */
  readonly syncErrors: string[] = [];
  private readonly ahead = new Map<number, { event: SessionEventMessage; at: number }>();
  private syncing: Promise<void> | null = null;
  private resync = false;
  private readonly options: LiveClientOptions;
  private everConnected = false;
  private closed = false;
  private readyResolve!: () => void;
  private readyReject!: (error: Error) => void;
  /** Resolves once connected, joined and in sync the first time. */
  readonly ready: Promise<void>;

  constructor(options: LiveClientOptions) {
    this.options = options;
    this.lastSeq = options.since ?? 0;
    this.ready = new Promise<void>((resolve, reject) => {
      this.readyResolve = resolve;
      this.readyReject = reject;
    });
    this.ready.catch(() => {});
    const timeout = options.timeoutMs ?? 10_000;
    const readyTimer = setTimeout(
      () => this.readyReject(new Error(`not connected and in sync within ${2 * timeout} ms`)),
      2 * timeout,
    );
    void this.ready.then(
      () => clearTimeout(readyTimer),
      () => clearTimeout(readyTimer),
    );
    this.socket = io(options.url, {
      transports: ["websocket"],
      extraHeaders: options.cookie ? { Cookie: options.cookie } : {},
      forceNew: true,
      reconnection: options.reconnect ?? true,
      // A browser-like backoff, quicker at first: a lost node should cost a participant about a second.
      reconnectionDelay: 300,
      reconnectionDelayMax: 2_000,
      randomizationFactor: 0.5,
      timeout,
      ackTimeout: timeout,
    });
    this.socket.on("connect", () => void this.onConnect());
    this.socket.on("disconnect", (reason: string) => {
      this.lastDisconnectReason = reason;
      this.disconnectedAt ??= now();
      // The server closed us on purpose (e.g. shutting down): Socket.io does not retry that by itself.
      if (reason === "io server disconnect" && !this.closed && (options.reconnect ?? true)) {
        setTimeout(() => !this.closed && this.socket.connect(), 300);
      }
    });
    this.socket.on("connect_error", (error: Error) => {
      if (!this.everConnected && !(options.reconnect ?? true)) this.readyReject(error);
    });
    this.socket.on("session:event", (event: SessionEventMessage) => {
      if (event.sessionId !== options.sessionId) return;
      this.receive(event, now(), true);
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  private async onConnect(): Promise<void> {
    const first = !this.everConnected;
    this.everConnected = true;
    const connectedAt = now();
    let joinedAt = connectedAt;
    try {
      if (this.options.join ?? true) {
        const joined = (await this.socket.emitWithAck("room:join", {
          room: `session:${this.options.sessionId}`,
        })) as { ok: boolean };
        if (!joined?.ok) throw new Error("room:join was refused");
        joinedAt = now();
        // Anything published before the join reached the room is fetched by the replay below.
        await this.sync();
      }
      if (this.disconnectedAt !== null) {
        if (!first) {
          this.reconnects++;
          const at = now();
          this.reconnectMs.push(at - this.disconnectedAt);
          this.reconnectedAt.push(at);
          this.reconnectPhases.push({
            connected: connectedAt - this.disconnectedAt,
            joined: joinedAt - this.disconnectedAt,
            synced: at - this.disconnectedAt,
          });
        }
        this.disconnectedAt = null;
      }
      if (first) this.readyResolve();
    } catch (error) {
      this.syncErrors.push((error as Error).message);
      if (first) this.readyReject(error as Error);
      // A failed join or replay after a reconnect: drop the connection and let the retry logic try again.
      else if (!this.closed) this.socket.disconnect().connect();
    }
  }

  /** Replays the events after `lastSeq` (pages of up to 500) until the server has no more. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.resync = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.resync = false;
          for (;;) {
            const ack = (await this.socket.emitWithAck("session:sync", {
              sessionId: this.options.sessionId,
              since: this.lastSeq,
            })) as { ok: true; events: SessionEventMessage[] } | { ok: false; messageKey: string };
            if (!ack?.ok) throw new Error(`session:sync refused: ${JSON.stringify(ack)}`);
            const at = now();
            for (const event of ack.events) this.receive(event, at, false);
            if (ack.events.length < 500) break;
          }
        } while (this.resync);
      } finally {
        this.syncing = null;
      }
    })();
    return this.syncing;
  }

  private receive(event: SessionEventMessage, at: number, live: boolean): void {
    if (event.seq <= this.lastSeq || this.ahead.has(event.seq)) {
      this.duplicatesDropped++;
      return;
    }
    if (event.seq > this.lastSeq + 1) {
      // A gap (an event lost while the connection was changing hands): hold this one, fetch the rest.
      this.ahead.set(event.seq, { event, at });
      if (this.connected) void this.sync().catch((error: Error) => this.syncErrors.push(error.message));
      return;
    }
    this.apply(event, at, live);
    for (let held = this.ahead.get(this.lastSeq + 1); held; held = this.ahead.get(this.lastSeq + 1)) {
      this.ahead.delete(held.event.seq);
      this.apply(held.event, held.at, live);
    }
  }

  private apply(event: SessionEventMessage, at: number, live: boolean): void {
    this.lastSeq = event.seq;
    this.applied++;
    if (this.options.keepEvents) this.events.push(event);
    this.options.onEvent?.(event, at, live);
  }

  /** Sends one session command and resolves with its ack. */
  command(command: SessionCommand, args: Record<string, unknown> = {}): Promise<SessionCommandAck> {
    return this.socket.emitWithAck("session:command", {
      sessionId: this.options.sessionId,
      command,
      args,
    }) as Promise<SessionCommandAck>;
  }

  close(): void {
    this.closed = true;
    this.socket.disconnect();
  }
}

/** Starts `count` clients with at most `parallel` handshakes in flight; resolves when all are in sync. */
export async function connectMany(
  count: number,
  make: (index: number) => LiveSessionClient,
  parallel = 50,
): Promise<{ clients: LiveSessionClient[]; failed: { index: number; error: string }[] }> {
  const clients: LiveSessionClient[] = new Array<LiveSessionClient>(count);
  const failed: { index: number; error: string }[] = [];
  let nextIndex = 0;
  const lane = async () => {
    while (nextIndex < count) {
      const index = nextIndex++;
      const client = make(index);
      clients[index] = client;
      try {
        await client.ready;
      } catch (error) {
        failed.push({ index, error: (error as Error).message });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, lane));
  return { clients, failed };
}
