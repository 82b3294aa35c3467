/**
 * Scale-out: two app processes on different ports share PostgreSQL and Redis (same prefix). A question
 * asked through one process reaches a client connected to the other (the Redis adapter), and presence
 * counts the watchers of both processes; when a client leaves, or a whole process stops, the count drops.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import type { PrismaClient } from "~/generated/prisma/client.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";
import { committee, liveSession, person } from "../sessions/fixtures.ts";
import { closeAll, connect, cookieOf, questionIdOf, until } from "./helpers.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = (): PrismaClient => testDb().prisma;

let one: RunningApp;
let two: RunningApp;
let committeeId: string;
let chair: CurrentUser;

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  [one, two] = await Promise.all([
    startApp({ databaseUrl: testDb().url, redisPrefix: testRedis.prefix }),
    startApp({ databaseUrl: testDb().url, redisPrefix: testRedis.prefix }),
  ]);
  committeeId = await committee(db());
  chair = await person(db(), { committees: [{ committeeId, role: "chair" }] });
});

afterEach(() => closeAll());

afterAll(async () => {
  closeAll();
  await Promise.all([one?.stop(), two?.stop()]);
  closePublisher();
  await getDb().$disconnect();
});

describe("two app processes", () => {
  it("deliver a question asked on one to a client of the other", async () => {
    expect(one.port).not.toBe(two.port);
    const { id } = await liveSession(db(), chair, committeeId);
    const [asker, voter] = [await person(db()), await person(db())];
    const onOne = await connect(one.url, await cookieOf(db(), asker));
    const onTwo = await connect(two.url, await cookieOf(db(), voter));
    await Promise.all([onOne.join(id), onTwo.join(id)]);

    const ack = await onOne.command(id, "question.ask", { text: "Πόσες θέσεις έχει ο νέος ξενώνας;" });
    const questionId = questionIdOf(ack);
    const arrived = await until(() =>
      onTwo.events.find((e) => e.type === "question.asked" && e.payload.question.id === questionId),
    );
    expect(arrived).toMatchObject({
      sessionId: id,
      type: "question.asked",
      payload: { question: { text: "Πόσες θέσεις έχει ο νέος ξενώνας;", status: "approved" } },
    });

    // And back: the upvote through process two reaches the client of process one.
    expect(await onTwo.command(id, "question.vote", { questionId })).toMatchObject({ ok: true });
    const vote = await until(() => onOne.events.find((e) => e.type === "question.voted"));
    expect(vote).toMatchObject({ payload: { questionId, upvoteCount: 1 } });
    // Both clients end with the same events, in the same order.
    await until(() => onTwo.events.some((e) => e.type === "question.voted"));
    expect(onOne.events.map((e) => e.seq)).toEqual(onTwo.events.map((e) => e.seq));
  });

  it("count watchers on both processes in one presence figure", async () => {
    const { id } = await liveSession(db(), chair, committeeId);
    const a = await connect(one.url);
    const b = await connect(two.url);
    const c = await connect(two.url);
    await Promise.all([a.join(id), b.join(id), c.join(id)]);
    // Joining twice is still one watcher.
    await c.join(id);
    for (const client of [a, b, c]) {
      await until(() => client.presence.at(-1) === 3, 6_000, "presence 3 on every client");
    }
    b.close();
    await until(() => a.presence.at(-1) === 2 && c.presence.at(-1) === 2, 6_000, "presence 2 after a leave");
    // Leaving the room (not the socket) counts too.
    c.socket.emit("room:leave", { room: `session:${id}` });
    await until(() => a.presence.at(-1) === 1, 6_000, "presence 1 after room:leave");
    // Broadcasts are throttled: at most about one a second per session.
    expect(a.presence.length).toBeLessThanOrEqual(6);
  });

  it("drops a stopped process's watchers from the count", async () => {
    const { id } = await liveSession(db(), chair, committeeId);
    const extra = await startApp({ databaseUrl: testDb().url, redisPrefix: testRedis.prefix });
    try {
      const a = await connect(one.url);
      const b = await connect(extra.url);
      const b2 = await connect(extra.url);
      await Promise.all([a.join(id), b.join(id), b2.join(id)]);
      await until(() => a.presence.at(-1) === 3, 6_000, "presence 3");
      await extra.stop();
      await until(() => a.presence.at(-1) === 1, 12_000, "presence 1 after the process stopped");
    } finally {
      await extra.stop();
    }
  });
});
