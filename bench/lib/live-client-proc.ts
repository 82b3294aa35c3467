/**
 * A client process of the live benchmark (forked by live-clients.ts): holds many LiveSessionClients and
 * records, for each live event, when each client received it (wall-clock, high resolution, comparable
 * with the parent's clock). Talks to the parent over IPC: every request carries an id, every reply repeats it.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { connectMany, LiveSessionClient } from "./live-client.ts";

export type ClientSpec = { url: string; cookie: string };

export type ProcRequest =
  | {
      id: number;
      type: "connect";
      sessionId: string;
      since: number;
      reconnect: boolean;
      parallel: number;
      clients: ClientSpec[];
    }
  | { id: number; type: "collect" }
  | { id: number; type: "stats" }
  | { id: number; type: "close" };

export interface ProcStats {
  clients: number;
  connected: number;
  minLastSeq: number;
  maxLastSeq: number;
  applied: number;
  duplicatesDropped: number;
  reconnects: number;
  /** Clients that reconnected at least once. */
  reconnectedClients: number;
  /** Time from losing the connection to being joined and in sync again, per reconnection. */
  reconnectMs: number[];
  /** Per reconnection: ms from losing the connection to connected, joined, in sync. */
  reconnectPhases: { connected: number; joined: number; synced: number }[];
  /** When each reconnection was complete. */
  reconnectedAt: number[];
  /** Per client still disconnected: since when. */
  disconnectedSince: number[];
  syncErrors: number;
  syncErrorSamples: string[];
  /** Event-loop delay of this client process (is the client the bottleneck?). */
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export type ProcReply =
  | { id: number; type: "connected"; ok: number; failed: number; errors: string[]; seconds: number }
  | { id: number; type: "collected"; deliveries: [number, number[]][]; replayed: number }
  | ({ id: number; type: "stats" } & ProcStats)
  | { id: number; type: "closed" };

const clients: LiveSessionClient[] = [];
/** seq → receive times of the clients that got it live. */
let deliveries = new Map<number, number[]>();
let replayed = 0;
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();

function onEvent(event: { seq: number }, at: number, live: boolean): void {
  if (!live) {
    replayed++;
    return;
  }
  let list = deliveries.get(event.seq);
  if (!list) deliveries.set(event.seq, (list = []));
  list.push(at);
}

async function handle(request: ProcRequest): Promise<ProcReply> {
  switch (request.type) {
    case "connect": {
      const started = performance.now();
      const { clients: made, failed } = await connectMany(
        request.clients.length,
        (i) =>
          new LiveSessionClient({
            url: request.clients[i].url,
            cookie: request.clients[i].cookie,
            sessionId: request.sessionId,
            since: request.since,
            reconnect: request.reconnect,
            onEvent,
          }),
        request.parallel,
      );
      clients.push(...made);
      loop.reset();
      return {
        id: request.id,
        type: "connected",
        ok: made.length - failed.length,
        failed: failed.length,
        errors: failed.slice(0, 5).map((f) => f.error),
        seconds: (performance.now() - started) / 1000,
      };
    }
    case "collect": {
      const out = [...deliveries.entries()];
      const r = replayed;
      deliveries = new Map();
      replayed = 0;
      return { id: request.id, type: "collected", deliveries: out, replayed: r };
    }
    case "stats": {
      const seqs = clients.map((c) => c.lastSeq);
      const errors = clients.flatMap((c) => c.syncErrors);
      const stats: ProcStats = {
        clients: clients.length,
        connected: clients.filter((c) => c.connected).length,
        minLastSeq: seqs.length ? Math.min(...seqs) : 0,
        maxLastSeq: seqs.length ? Math.max(...seqs) : 0,
        applied: clients.reduce((n, c) => n + c.applied, 0),
        duplicatesDropped: clients.reduce((n, c) => n + c.duplicatesDropped, 0),
        reconnects: clients.reduce((n, c) => n + c.reconnects, 0),
        reconnectedClients: clients.filter((c) => c.reconnects > 0).length,
        reconnectMs: clients.flatMap((c) => c.reconnectMs),
        reconnectedAt: clients.flatMap((c) => c.reconnectedAt),
        reconnectPhases: clients.flatMap((c) => c.reconnectPhases),
        disconnectedSince: clients.flatMap((c) =>
          c.connected || c.disconnectedAt === null ? [] : [c.disconnectedAt],
        ),
        syncErrors: errors.length,
        syncErrorSamples: [...new Set(errors)].slice(0, 5),
        loopDelayP99Ms: loop.percentile(99) / 1e6,
        loopDelayMaxMs: loop.max / 1e6,
      };
      loop.reset();
      return { id: request.id, type: "stats", ...stats };
    }
    case "close": {
      for (const c of clients.splice(0)) c.close();
      deliveries = new Map();
      replayed = 0;
      return { id: request.id, type: "closed" };
    }
  }
}

process.on("message", (request: ProcRequest) => {
  void handle(request).then(
    (reply) => process.send?.(reply),
    (error: Error) => process.send?.({ id: request.id, type: "error", message: error.message }),
  );
});
process.on("disconnect", () => process.exit(0));
