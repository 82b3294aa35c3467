/**
 * Socket.io on the real server: cookie-authenticated handshakes, anonymous sockets, the Origin check against
 * cross-site WebSocket hijacking, and input validation of client events.
 */
import { randomBytes } from "node:crypto";
import { Emitter } from "@socket.io/redis-emitter";
import { io, type Socket } from "socket.io-client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newId } from "~/utils/ids.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();

let app: RunningApp;
const sockets: Socket[] = [];

beforeAll(async () => {
  app = await startApp({ databaseUrl: testDb().url });
});

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.disconnect();
});

afterAll(async () => {
  await app?.stop();
});

type Transport = "polling" | "websocket";

function connect(opts: { headers?: Record<string, string>; transports?: Transport[] } = {}): Socket {
  const socket = io(app.url, {
    transports: opts.transports ?? ["polling", "websocket"],
    extraHeaders: opts.headers ?? {},
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
  });
  sockets.push(socket);
  return socket;
}

/** Resolves with the first `event` payload; rejects on a connection error or after `ms`. */
function next<T>(socket: Socket, event: string, ms = 5_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`No ${event} within ${ms} ms`)), ms);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
    socket.once("connect_error", (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** Resolves with the connect_error; rejects if the socket connects instead. */
function refused(socket: Socket, ms = 5_000): Promise<Error> {
  return new Promise<Error>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Neither connected nor refused within ${ms} ms`)), ms);
    socket.once("connect", () => {
      clearTimeout(timer);
      reject(new Error("The socket connected, but it should have been refused"));
    });
    socket.once("connect_error", (error: Error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

async function userWithSession() {
  const db = testDb().prisma;
  const { id } = await createUser(db, { displayName: "Ελένη" });
  return { id, cookie: `synochi_session=${await createSessionToken(db, id)}` };
}

describe("socket handshake", () => {
  it.each<[string, Transport[]]>([
    ["polling then websocket", ["polling", "websocket"]],
    ["websocket only", ["websocket"]],
  ])("tells an anonymous socket it has no user (%s)", async (_label, transports) => {
    const socket = connect({ transports });
    expect(await next<{ userId: string | null }>(socket, "session:whoami")).toEqual({ userId: null });
    expect(socket.connected).toBe(true);
  });

  it.each<[string, Transport[]]>([
    ["polling then websocket", ["polling", "websocket"]],
    ["websocket only", ["websocket"]],
  ])("tells a socket with the session cookie its user's id (%s)", async (_label, transports) => {
    const user = await userWithSession();
    const socket = connect({ transports, headers: { Cookie: user.cookie } });
    expect(await next<{ userId: string | null }>(socket, "session:whoami")).toEqual({ userId: user.id });
  });

  it("treats a socket with an unknown session token as anonymous", async () => {
    const socket = connect({ headers: { Cookie: `synochi_session=${randomBytes(20).toString("hex")}` } });
    expect(await next<{ userId: string | null }>(socket, "session:whoami")).toEqual({ userId: null });
  });

  it.each<[string, Transport[]]>([
    ["polling", ["polling"]],
    ["websocket", ["websocket"]],
  ])("refuses a connection from Origin https://evil.example (%s)", async (_label, transports) => {
    const user = await userWithSession();
    const socket = connect({
      transports,
      headers: { Origin: "https://evil.example", Cookie: user.cookie },
    });
    const error = await refused(socket);
    expect(error).toBeInstanceOf(Error);
    expect(socket.connected).toBe(false);
  });

  it("accepts a connection from its own Origin", async () => {
    const socket = connect({ headers: { Origin: app.url } });
    expect(await next<{ userId: string | null }>(socket, "session:whoami")).toEqual({ userId: null });
  });
});

describe("room:join", () => {
  let publisher: ReturnType<typeof createRedis>;
  let emitter: Emitter;
  beforeAll(() => {
    publisher = createRedis();
    // What the workers use to reach sockets: the app's Redis adapter key is `<REDIS_PREFIX>:socket.io`.
    emitter = new Emitter(publisher, { key: `${testRedis.prefix}:socket.io` });
  });
  afterAll(() => publisher?.disconnect());

  /** Emits `notification:new` to each room in order and returns which arrived before the last one. */
  async function deliveredTo(socket: Socket, rooms: string[]): Promise<string[]> {
    const received: string[] = [];
    const last = rooms[rooms.length - 1];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`No event for ${last}; got ${JSON.stringify(received)}`)),
        5_000,
      );
      socket.on("notification:new", (payload: { id: string }) => {
        received.push(payload.id);
        if (payload.id === last) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    // Published in order on one connection, so anything for an earlier room arrives before the last one.
    for (const room of rooms)
      emitter.to(room).emit("notification:new", { id: room, type: "test", unread: 0 });
    await done;
    return received;
  }

  it("answers an invalid room name with error:input and does not join", async () => {
    const socket = connect();
    await next(socket, "session:whoami");
    const refusedRooms = ["moderation", "user:someone-else", "consultation:not-a-uuid", "minutes:x"];
    for (const room of [...refusedRooms, "", 42]) {
      const error = next<{ event: string; messageKey: string }>(socket, "error:input");
      const ack = await socket.timeout(5_000).emitWithAck("room:join", { room });
      expect(ack).toEqual({ ok: false });
      expect(await error).toEqual({ event: "room:join", messageKey: "errors.invalid" });
    }
    const malformed = next<{ event: string; messageKey: string }>(socket, "error:input");
    socket.emit("room:join", "consultation");
    expect(await malformed).toEqual({ event: "room:join", messageKey: "errors.invalid" });

    const publicRoom = `consultation:${newId()}`;
    expect(await socket.timeout(5_000).emitWithAck("room:join", { room: publicRoom })).toEqual({ ok: true });
    expect(await deliveredTo(socket, [...refusedRooms, publicRoom])).toEqual([publicRoom]);
  });

  it("lets a socket join a public consultation room without an error, and it receives the room's events", async () => {
    const socket = connect();
    await next(socket, "session:whoami");
    let errors = 0;
    socket.on("error:input", () => errors++);
    const room = `consultation:${newId()}`;
    const ack = await socket.timeout(5_000).emitWithAck("room:join", { room });
    expect(ack).toEqual({ ok: true });
    expect(await deliveredTo(socket, [`consultation:${newId()}`, room])).toEqual([room]);
    expect(errors).toBe(0);
  });

  it("puts a signed-in socket in its own user room only", async () => {
    const user = await userWithSession();
    const other = await userWithSession();
    const socket = connect({ headers: { Cookie: user.cookie } });
    await next(socket, "session:whoami");
    expect(await deliveredTo(socket, [`user:${other.id}`, `user:${user.id}`])).toEqual([`user:${user.id}`]);
  });
});
