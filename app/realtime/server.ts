import { createAdapter } from "@socket.io/redis-adapter";
import type { Server as HttpServer } from "node:http";
import { Server, type Socket } from "socket.io";
import { loadUserFromCookie, type CurrentUser } from "~/domain/accounts/auth.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { createRedis } from "~/utils/redis.server.ts";
import { clientEvents, type ServerEvents } from "./events.ts";
import { createPresenceTracker } from "./presence.server.ts";
import { rooms } from "./rooms.ts";
import { registerSessionHandlers } from "./session-handlers.server.ts";

export type SocketData = { user: CurrentUser | null };

/** Public rooms anyone may read; a room kind missing here is refused. */
const PUBLIC_ROOM = /^(consultation|session):[0-9a-f-]{36}$/;
/** A live session's room: joining it counts as watching the session (presence). */
const SESSION_ROOM = /^session:([0-9a-f-]{36})$/;
const sessionOf = (room: string) => SESSION_ROOM.exec(room)?.[1] ?? null;

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true; // non-browser clients send no Origin
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Socket.io on the app's HTTP server: cookie-authenticated handshakes, anonymous sockets read-only. */
export function createRealtimeServer(httpServer: HttpServer) {
  const env = getEnv();
  const io = new Server<Record<string, never>, ServerEvents, Record<string, never>, SocketData>(httpServer, {
    serveClient: false,
    // Refuse cross-site WebSocket hijacking: browsers always send Origin.
    allowRequest: (req, callback) => callback(null, sameOrigin(req.headers.origin, req.headers.host)),
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
    // Client messages are small (the longest is a 5,000-character note): refuse anything beyond 16 KB.
    maxHttpBufferSize: 16 * 1024,
  });
  const pub = createRedis({ enableOfflineQueue: true, maxRetriesPerRequest: null });
  const sub = pub.duplicate();
  pub.on("error", () => {});
  sub.on("error", () => {});
  io.adapter(createAdapter(pub, sub, { key: `${env.REDIS_PREFIX}:socket.io` }));
  // Presence (see presence.server.ts) has its own fail-fast connection: while Redis is down it pauses
  // instead of queueing commands. Counts go out through the adapter: every process delivers to its own
  // clients in the room.
  const presenceRedis = createRedis();
  presenceRedis.on("error", () => {});
  const presence = createPresenceTracker(presenceRedis, (sessionId, watching) =>
    io.to(rooms.liveSession(sessionId)).emit("session:presence", { sessionId, watching }),
  );

  io.use(async (socket, next) => {
    try {
      const { user } = await loadUserFromCookie(getDb(), socket.handshake.headers.cookie);
      socket.data.user = user;
      next();
    } catch (error) {
      next(error as Error);
    }
  });

  io.on("connection", (socket: Socket) => {
    const user = (socket.data as SocketData).user;
    if (user) void socket.join(rooms.user(user.id));
    socket.emit("session:whoami", { userId: user?.id ?? null });
    // A recovered connection gets its rooms back without a join: count its sessions again.
    if (socket.recovered) {
      for (const room of socket.rooms) {
        const id = sessionOf(room);
        if (id) presence.join(id);
      }
    }
    socket.on("disconnecting", () => {
      for (const room of socket.rooms) {
        const id = sessionOf(room);
        if (id) presence.leave(id);
      }
    });
    registerSessionHandlers(socket, () => (socket.data as SocketData).user);

    socket.on("room:join", (raw: unknown, maybeAck?: unknown) => {
      // A malformed message may put anything where the ack goes: call it only when it is one.
      const ack = typeof maybeAck === "function" ? (maybeAck as (r: { ok: boolean }) => void) : undefined;
      const parsed = clientEvents["room:join"].safeParse(raw);
      const user = (socket.data as SocketData).user;
      // The moderation queue's room carries what is flagged: moderators only; urgent alerts also reach
      // the Directorate and admins.
      const allowed =
        parsed.success &&
        (PUBLIC_ROOM.test(parsed.data.room) ||
          (parsed.data.room === rooms.moderation() && !!user?.roles.includes("moderator")) ||
          (parsed.data.room === rooms.alerts() &&
            !!user?.roles.some(
              (role) => role === "moderator" || role === "directorate" || role === "admin",
            )));
      if (!parsed.success || !allowed) {
        socket.emit("error:input", { event: "room:join", messageKey: "errors.invalid" });
        ack?.({ ok: false });
        return;
      }
      const sessionId = sessionOf(parsed.data.room);
      if (sessionId && !socket.rooms.has(parsed.data.room)) presence.join(sessionId);
      void socket.join(parsed.data.room);
      ack?.({ ok: true });
    });
    socket.on("room:leave", (raw: unknown) => {
      const parsed = clientEvents["room:leave"].safeParse(raw);
      if (!parsed.success) return;
      const sessionId = sessionOf(parsed.data.room);
      if (sessionId && socket.rooms.has(parsed.data.room)) presence.leave(sessionId);
      void socket.leave(parsed.data.room);
    });
  });

  return {
    io,
    async close() {
      await presence.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      pub.disconnect();
      sub.disconnect();
      presenceRedis.disconnect();
    },
  };
}
