import net from "node:net";
import { Queue } from "bullmq";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { InvalidJobPayload, createJobProducer, jobIdForKey, type JobProducer } from "~/jobs/queues.server.ts";
import { newId } from "~/utils/ids.ts";
import { relayOutbox, startOutboxRelay } from "../../../workers/outbox-relay.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";

const testDb = useTestDatabase();
const redis = useTestRedis();

let producer: JobProducer;
let inspect: Queue;

beforeAll(() => {
  producer = createJobProducer({ url: redis.url, prefix: redis.prefix });
  inspect = new Queue("mail", { connection: createRedis(), prefix: redis.prefix });
});

afterAll(async () => {
  await producer?.close();
  await inspect?.close();
});

const payload = (to = "someone@example.org") => ({
  to,
  template: "password_changed",
  locale: "el",
  params: { displayName: "Δοκιμή" },
});

async function writeEvent(key = `mail:${newId()}`): Promise<string> {
  await testDb().prisma.$transaction(async (tx) => {
    await addOutboxEvent(tx, { key, queue: "mail", name: "send", payload: payload() });
  });
  return key;
}

/** Relays until nothing due is left. */
async function drain(addJob = producer.addJob, batchSize = 100): Promise<number> {
  let sent = 0;
  for (;;) {
    const result = await relayOutbox(testDb().prisma, { addJob, batchSize });
    sent += result.sent;
    if (result.claimed === 0) return sent;
  }
}

async function jobCount(): Promise<number> {
  const counts = await inspect.getJobCounts("waiting", "active", "completed", "failed", "delayed");
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

async function row(key: string) {
  return testDb().prisma.outboxEvent.findUnique({ where: { key } });
}

/** A TCP port on which nothing listens. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("outbox relay", () => {
  // Each test starts with nothing due, whatever the previous one left.
  beforeEach(async () => {
    await testDb().prisma.outboxEvent.updateMany({
      where: { sentAt: null },
      data: { availableAt: new Date(0) },
    });
    await drain();
  });

  it("turns each committed row into exactly one job, even with two relays running at once", async () => {
    const keys: string[] = [];
    for (let i = 0; i < 40; i++) keys.push(await writeEvent());
    const second = createJobProducer({ url: redis.url, prefix: redis.prefix });
    try {
      const [a, b] = await Promise.all([drain(producer.addJob, 7), drain(second.addJob, 7)]);
      expect(a + b).toBe(40);
      expect(Math.min(a, b)).toBeGreaterThan(0); // both took part
    } finally {
      await second.close();
    }
    expect(await jobCount()).toBe(40);
    for (const key of keys) {
      const job = await inspect.getJob(jobIdForKey(key));
      expect(job?.name).toBe("send");
      expect(job?.data).toEqual(payload());
      expect((await row(key))?.sentAt).toBeInstanceOf(Date);
    }
  });

  it("does not create a second job when a row is relayed again", async () => {
    const before = await jobCount();
    const key = await writeEvent();
    await drain();
    expect(await jobCount()).toBe(before + 1);
    // As after a crash between adding the job and committing: the row is pending again.
    await testDb().prisma.outboxEvent.update({ where: { key }, data: { sentAt: null } });
    expect(await drain()).toBe(1);
    expect(await jobCount()).toBe(before + 1);
    expect((await row(key))?.sentAt).toBeInstanceOf(Date);
  });

  it("writes nothing when the transaction rolls back", async () => {
    const key = `mail:${newId()}`;
    await expect(
      testDb().prisma.$transaction(async (tx) => {
        await addOutboxEvent(tx, { key, queue: "mail", name: "send", payload: payload() });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(await row(key)).toBeNull();
    await drain();
    expect(await inspect.getJob(jobIdForKey(key))).toBeUndefined();
  });

  it("treats the same key added twice as one event", async () => {
    const key = `mail:${newId()}`;
    const results = await testDb().prisma.$transaction(async (tx) => [
      await addOutboxEvent(tx, { key, queue: "mail", name: "send", payload: payload("first@example.org") }),
      await addOutboxEvent(tx, { key, queue: "mail", name: "send", payload: payload("second@example.org") }),
    ]);
    expect(results).toEqual([true, false]);
    expect(await testDb().prisma.outboxEvent.count({ where: { key } })).toBe(1);
    expect((await row(key))?.payload).toMatchObject({ to: "first@example.org" });
  });

  it("refuses an invalid payload or key before writing anything", async () => {
    const key = `mail:${newId()}`;
    await expect(
      addOutboxEvent(testDb().prisma, {
        key,
        queue: "mail",
        name: "send",
        payload: { ...payload(), template: "nope" },
      }),
    ).rejects.toBeInstanceOf(InvalidJobPayload);
    await expect(
      addOutboxEvent(testDb().prisma, { key, queue: "mail", name: "nope", payload: payload() }),
    ).rejects.toBeInstanceOf(InvalidJobPayload);
    await expect(
      addOutboxEvent(testDb().prisma, {
        key: "no-namespace",
        queue: "mail",
        name: "send",
        payload: payload(),
      }),
    ).rejects.toThrow(/Invalid outbox key/);
    expect(await row(key)).toBeNull();
  });

  it("keeps the row pending with its attempts counted while Redis is unreachable, and relays it once Redis is back", async () => {
    const down = createJobProducer({
      url: `redis://127.0.0.1:${await closedPort()}`,
      prefix: redis.prefix,
      connectWaitMs: 200,
    });
    try {
      const key = await writeEvent();
      const started = Date.now();
      const result = await relayOutbox(testDb().prisma, { addJob: down.addJob, retryBaseMs: 300 });
      expect(Date.now() - started).toBeLessThan(2_000); // fails fast, does not wait for Redis
      expect(result).toMatchObject({ claimed: 1, sent: 0, failed: 1 });
      let pending = await row(key);
      expect(pending).toMatchObject({ sentAt: null, attempts: 1 });
      expect(pending?.lastError).toMatch(/RedisUnavailable/);
      expect(pending!.availableAt.getTime()).toBeGreaterThan(Date.now());

      // Not retried before its new time, then retried with the backoff doubled.
      expect((await relayOutbox(testDb().prisma, { addJob: down.addJob })).claimed).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 350));
      await relayOutbox(testDb().prisma, { addJob: down.addJob, retryBaseMs: 300 });
      pending = await row(key);
      expect(pending).toMatchObject({ sentAt: null, attempts: 2 });
      expect(pending!.availableAt.getTime()).toBeGreaterThan(Date.now() + 300);
      expect(await inspect.getJob(jobIdForKey(key))).toBeUndefined();

      // Redis is back (here: the relay's producer points at the live server again).
      await testDb().prisma.outboxEvent.update({ where: { key }, data: { availableAt: new Date() } });
      expect(await drain()).toBe(1);
      expect((await row(key))?.sentAt).toBeInstanceOf(Date);
      expect(await inspect.getJob(jobIdForKey(key))).toBeDefined();
    } finally {
      await down.close();
    }
  });

  it("recovers on the same connection after Redis goes away and comes back", async () => {
    // A TCP proxy in front of the test Redis stands in for a Redis outage.
    const target = new URL(redis.url);
    const sockets = new Set<net.Socket>();
    const proxy = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on("close", () => sockets.delete(s));
        s.on("error", () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as net.AddressInfo;
    const viaProxy = createJobProducer({ url: `redis://127.0.0.1:${port}`, prefix: redis.prefix });
    try {
      await waitFor(() => viaProxy.redis.status === "ready");
      await writeEvent();
      expect(await drain(viaProxy.addJob)).toBe(1);

      // Outage.
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      await waitFor(() => viaProxy.redis.status !== "ready");
      const key = await writeEvent();
      const result = await relayOutbox(testDb().prisma, { addJob: viaProxy.addJob, retryBaseMs: 1 });
      expect(result).toMatchObject({ sent: 0, failed: 1 });
      expect(await row(key)).toMatchObject({ sentAt: null, attempts: 1 });

      // Back.
      await new Promise<void>((resolve) => proxy.listen(port, "127.0.0.1", resolve));
      await waitFor(() => viaProxy.redis.status === "ready", 10_000);
      expect(await drain(viaProxy.addJob)).toBe(1);
      expect(await inspect.getJob(jobIdForKey(key))).toBeDefined();
    } finally {
      await viaProxy.close();
      for (const s of sockets) s.destroy();
      proxy.close();
    }
  });

  it("relays promptly on the commit notification, and stops cleanly", async () => {
    const relay = startOutboxRelay(testDb().prisma, {
      addJob: producer.addJob,
      listenUrl: testDb().url,
      intervalMs: 60_000, // only the initial run and notifications
      log: { info: () => {}, warn: () => {}, error: () => {} },
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 300)); // initial run done, LISTEN in place
      const key = await writeEvent();
      await waitFor(async () => (await inspect.getJob(jobIdForKey(key))) !== undefined, 3_000);
      expect((await row(key))?.sentAt).toBeInstanceOf(Date);
    } finally {
      await relay.stop();
    }
  });
});
