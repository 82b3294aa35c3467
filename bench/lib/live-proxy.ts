/**
 * A tiny TCP load balancer in front of several app processes, as a real deployment has one (nginx,
 * HAProxy, a cloud load balancer): clients know ONE address (the site's origin, which the session cookie
 * and the socket's Origin check are tied to), new connections go round-robin to the backends, and a
 * backend that refuses connections is skipped (passive health check, like nginx's `proxy_next_upstream
 * error` or HAProxy's `option redispatch`) and retried after `downMs`. When a backend dies, its open
 * connections close, the Socket.io client reconnects to the same address, and the balancer hands the
 * new connection to a live backend. Plain TCP, so WebSocket upgrades pass through untouched.
 */
import { connect, createServer, type Server, type Socket } from "node:net";

export interface Backend {
  host: string;
  port: number;
}

export interface LiveProxy {
  url: string;
  port: number;
  /** Open client connections per backend ("host:port"). */
  active: () => Record<string, number>;
  /** Connections refused by a backend and sent to another one. */
  redispatched: () => number;
  close: () => Promise<void>;
}

export function backendOf(url: string): Backend {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port) };
}

export async function startProxy(
  backends: Backend[],
  options: { port?: number; downMs?: number; connectTimeoutMs?: number } = {},
): Promise<LiveProxy> {
  if (backends.length === 0) throw new Error("startProxy: no backends");
  const downMs = options.downMs ?? 2_000;
  const connectTimeoutMs = options.connectTimeoutMs ?? 2_000;
  const downUntil = new Map<number, number>();
  const active = new Map<number, number>();
  const open = new Set<Socket>();
  let next = 0;
  let redispatched = 0;

  /** Backends to try for one connection: round-robin start, live ones first, down ones as a last resort. */
  function order(): number[] {
    const start = next++ % backends.length;
    const all = backends.map((_, i) => (start + i) % backends.length);
    const now = Date.now();
    const up = all.filter((i) => (downUntil.get(i) ?? 0) <= now);
    return [...up, ...all.filter((i) => !up.includes(i))];
  }

  function handle(client: Socket): void {
    open.add(client);
    client.on("close", () => open.delete(client));
    client.on("error", () => {});
    client.pause(); // hold the client's first bytes (the HTTP upgrade request) until a backend answers
    const candidates = order();
    const attempt = (k: number) => {
      if (client.destroyed) return;
      if (k >= candidates.length) {
        client.destroy();
        return;
      }
      const index = candidates[k];
      const { host, port } = backends[index];
      const upstream = connect({ host, port });
      open.add(upstream);
      upstream.setNoDelay(true);
      const timer = setTimeout(() => upstream.destroy(new Error("connect timeout")), connectTimeoutMs);
      let connected = false;
      upstream.once("connect", () => {
        connected = true;
        clearTimeout(timer);
        downUntil.delete(index);
        active.set(index, (active.get(index) ?? 0) + 1);
        client.setNoDelay(true);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on("error", () => {
        clearTimeout(timer);
        if (!connected) {
          // Refused or unreachable: mark it down and hand this connection to the next backend.
          downUntil.set(index, Date.now() + downMs);
          redispatched++;
          open.delete(upstream);
          attempt(k + 1);
        }
      });
      upstream.on("close", () => {
        open.delete(upstream);
        if (!connected) return;
        active.set(index, (active.get(index) ?? 1) - 1);
        client.destroy(); // the backend went away: the client reconnects through us
      });
      client.on("close", () => upstream.destroy());
    };
    attempt(0);
  }

  const server: Server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    active: () =>
      Object.fromEntries(backends.map((b, i) => [`${b.host}:${b.port}`, active.get(i) ?? 0] as const)),
    redispatched: () => redispatched,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of open) socket.destroy();
      await closed;
    },
  };
}
