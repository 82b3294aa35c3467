/**
 * Failover of a live session between two app processes (issue 6): 40 signed-in participants watch a
 * session through a load balancer in front of two real app processes (same PostgreSQL, same Redis prefix,
 * joined by the Socket.io Redis adapter), about 20 on each; upvotes keep coming; one process is stopped
 * (SIGTERM, as a deploy does) or dies (SIGKILL, a crash). Its participants must be connected to the other
 * process again within 5 s, and after `session:sync` every participant holds every event of the session
 * exactly once, in order, identical to the database's log.
 *
 * The load balancer (bench/lib/live-proxy.ts) is what a deployment puts in front of several nodes: the
 * browser knows one origin, and the balancer sends the reconnection to a live node. The participants'
 * connection logic (bench/lib/live-client.ts) is the browser's: re-join the room and replay the missed
 * events on every reconnect, apply events in seq order, drop what was already applied.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventsSince } from "~/domain/sessions/sessions.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getRedis } from "~/utils/redis.server.ts";
import { connectMany, LiveSessionClient, now } from "../../../bench/lib/live-client.ts";
import { createMemoryProbe, findServerPid } from "../../../bench/lib/live-memory.ts";
import { backendOf, startProxy, type LiveProxy } from "../../../bench/lib/live-proxy.ts";
import {
  createParticipants,
  seedLiveSession,
  type Participant,
  type SeededLiveSession,
} from "../../../bench/lib/live-seed.ts";
import { VoteDriver } from "../../../bench/lib/live-votes.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();

const PARTICIPANTS = 40;
const FAILOVER_LIMIT_MS = 5_000;

let seeded: SeededLiveSession;
let voterUsers: Participant[];
const probe = createMemoryProbe();
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  // Seeding asks questions through the domain, which publishes through this file's Redis prefix.
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
  });
  // Questions for both scenarios: each (voter, question) pair upvotes once.
  seeded = await seedLiveSession(testDb().prisma, { participants: PARTICIPANTS, questions: 8 });
  voterUsers = await createParticipants(testDb().prisma, 20);
});

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  probe.remove();
  getRedis().disconnect();
  closePublisher();
  await getDb().$disconnect();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting until ${what}`);
    await sleep(50);
  }
}

async function lastSeq(): Promise<number> {
  const row = await testDb().prisma.liveSession.findUniqueOrThrow({
    where: { id: seeded.sessionId },
    select: { lastSeq: true },
  });
  return row.lastSeq;
}

/** Two app processes (the same database and Redis prefix) behind a load balancer. */
async function twoNodes(): Promise<{ a: RunningApp; b: RunningApp; proxy: LiveProxy }> {
  // The memory probe doubles as a way to learn the server's pid, for the crash scenario.
  const env = probe.env();
  const [a, b] = await Promise.all([
    startApp({ databaseUrl: testDb().url, env }),
    startApp({ databaseUrl: testDb().url, env }),
  ]);
  cleanups.push(
    () => a.stop(),
    () => b.stop(),
  );
  const proxy = await startProxy([backendOf(a.url), backendOf(b.url)]);
  cleanups.push(() => proxy.close());
  return { a, b, proxy };
}

async function scenario(stop: (a: RunningApp) => Promise<void> | void, questionIds: string[]) {
  const { a, b, proxy } = await twoNodes();
  const since = await lastSeq();
  const { clients, failed } = await connectMany(PARTICIPANTS, (i) => {
    return new LiveSessionClient({
      url: proxy.url,
      cookie: seeded.participants[i].cookie,
      sessionId: seeded.sessionId,
      since,
      keepEvents: true,
    });
  });
  cleanups.push(() => clients.forEach((c) => c.close()));
  expect(failed).toEqual([]);
  // Round-robin: half the participants on each process.
  expect(Object.values(proxy.active())).toEqual([PARTICIPANTS / 2, PARTICIPANTS / 2]);

  // The voters are not under test: they talk to the process that stays.
  const { clients: voters } = await connectMany(voterUsers.length, (i) => {
    return new LiveSessionClient({
      url: b.url,
      cookie: voterUsers[i].cookie,
      sessionId: seeded.sessionId,
      join: false,
    });
  });
  cleanups.push(() => voters.forEach((v) => v.close()));
  const driver = new VoteDriver(voters, questionIds);

  const voting = driver.run(6, 6, 1);
  await sleep(2_000);
  const beforeStop = await lastSeq();
  expect(beforeStop).toBeGreaterThan(since);
  const stoppedAt = now();
  const stopping = stop(a);
  // A burst while the stopped process's participants are away: only the replay can bring them these.
  const burst = [];
  for (let i = 0; i < 5; i++) burst.push(await driver.vote());
  await stopping;
  const votes = [...(await voting), ...burst];
  expect(votes.length).toBeGreaterThan(15);
  expect(votes.filter((v) => v.seq === null)).toEqual([]);

  // Every participant that lost its connection is back, on the other process, within 5 s of the stop.
  const moved = clients.filter((c) => c.reconnects > 0 || c.disconnectedAt !== null);
  await until("every participant is connected again", () => clients.every((c) => c.connected), 5_000);
  expect(moved.length).toBe(PARTICIPANTS / 2);
  for (const c of moved) {
    expect(c.reconnectedAt.length).toBeGreaterThanOrEqual(1);
    expect(c.reconnectedAt[0] - stoppedAt).toBeLessThanOrEqual(FAILOVER_LIMIT_MS);
  }
  expect(proxy.active()[`127.0.0.1:${new URL(b.url).port}`]).toBe(PARTICIPANTS);

  // Nothing missed, nothing twice: every participant holds the database's log, in order.
  const final = await lastSeq();
  await until("every participant has the last event", () => clients.every((c) => c.lastSeq === final), 5_000);
  const log = await eventsSince(testDb().prisma, seeded.sessionId, since);
  expect(log.map((e) => e.seq)).toEqual(Array.from({ length: final - since }, (_, i) => since + 1 + i));
  for (const c of clients) {
    expect(c.events).toEqual(log);
    expect(c.syncErrors).toEqual([]);
  }
  // The moved participants got part of the events by replay, and dropped the copies that came twice.
  const upvotesAfterStop = votes.filter((v) => v.seq !== null && v.seq > beforeStop);
  expect(upvotesAfterStop.length).toBeGreaterThan(0);

  for (const c of clients) c.close();
  for (const v of voters) v.close();
  await proxy.close();
  await b.stop();
}

describe("a live session when one of two app processes goes away", () => {
  it("moves the participants of a stopped process (SIGTERM) to the other within 5 s, missing nothing", async () => {
    await scenario((a) => a.stop(), seeded.questionIds.slice(0, 4));
  }, 120_000);

  it("moves the participants of a crashed process (SIGKILL) to the other within 5 s, missing nothing", async () => {
    await scenario(async (a) => {
      const pid = await findServerPid(probe.dir, a.port, { generations: 2 });
      process.kill(pid, "SIGKILL");
    }, seeded.questionIds.slice(4));
  }, 120_000);
});
