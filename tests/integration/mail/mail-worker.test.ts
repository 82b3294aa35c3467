import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue, QueueEvents, type Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import { createJobProducer, defaultJobOptions, type JobProducer } from "~/jobs/queues.server.ts";
import { newId } from "~/utils/ids.ts";
import { readMailSink } from "~/utils/mail.server.ts";
import { createMailWorker } from "../../../workers/mail.ts";
import { relayOutbox } from "../../../workers/outbox-relay.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { isAddressedTo, waitForMail } from "../../helpers/mail.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";

const testDb = useTestDatabase();
const redis = useTestRedis();
const sinkDir = mkdtempSync(path.join(os.tmpdir(), "synochi-mail-"));
const mail = { from: "Synochi <no-reply@test.synochi.gr>", sinkDir };

let worker: Worker;
let producer: JobProducer;
let queue: Queue;
let events: QueueEvents;

beforeAll(async () => {
  worker = createMailWorker({
    connection: new Redis(redis.url, { maxRetriesPerRequest: null }),
    prefix: redis.prefix,
    mail,
  });
  producer = createJobProducer({ url: redis.url, prefix: redis.prefix });
  queue = new Queue("mail", { connection: createRedis(), prefix: redis.prefix, defaultJobOptions });
  events = new QueueEvents("mail", {
    connection: new Redis(redis.url, { maxRetriesPerRequest: null }),
    prefix: redis.prefix,
  });
  await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
});

afterAll(async () => {
  await worker?.close();
  await events?.close();
  await queue?.close();
  await producer?.close();
  rmSync(sinkDir, { recursive: true, force: true });
});

describe("mail worker", () => {
  it("sends a mail job from the outbox to the sink, in Greek for locale el", async () => {
    const to = `el-${newId()}@example.org`;
    await testDb().prisma.$transaction((tx) =>
      addOutboxEvent(tx, {
        key: `mail:${newId()}`,
        queue: "mail",
        name: "send",
        payload: {
          to,
          template: "verify_email",
          locale: "el",
          params: { displayName: "Μαρία <Π.>", url: "http://localhost:3000/verify-email?token=abc&x=1" },
        },
      }),
    );
    expect((await relayOutbox(testDb().prisma, { addJob: producer.addJob })).sent).toBe(1);

    const message = await waitForMail(sinkDir, (m) => isAddressedTo(m, to));
    expect(message.subject).toBe("Επιβεβαιώστε τη διεύθυνση e-mail σας – Συνοχή");
    expect(message.from).toBe(mail.from);
    expect(message.text).toContain("Γεια σας Μαρία <Π.>,");
    expect(message.text).toContain("http://localhost:3000/verify-email?token=abc&x=1");
    expect(message.html).toContain("Μαρία &lt;Π.&gt;");
    expect(message.html).toContain('href="http://localhost:3000/verify-email?token=abc&amp;x=1"');
    expect(message.html).not.toContain("<Π.>");
    expect(new Date(message.date).getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it("sends in English for locale en", async () => {
    const to = `en-${newId()}@example.org`;
    await producer.addJob({
      queue: "mail",
      name: "send",
      jobId: `mail.${newId()}`,
      payload: {
        to,
        template: "register_existing",
        locale: "en",
        params: {
          loginUrl: "http://localhost:3000/login",
          resetUrl: "http://localhost:3000/password/forgot",
        },
      },
    });
    const message = await waitForMail(sinkDir, (m) => isAddressedTo(m, to));
    expect(message.subject).toBe("Someone tried to register with your address – Synochi");
    expect(message.text).toContain("http://localhost:3000/password/forgot");
    expect(readMailSink(sinkDir)[0]?.to).toBe(to); // newest first
  });

  it("fails a job with an invalid payload at once, without retries", async () => {
    const job = await queue.add("send", {
      to: "not-an-address",
      template: "verify_email",
      locale: "el",
      params: {},
    });
    await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(/Invalid payload/);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.opts.attempts).toBe(5);
    expect(await failed?.getState()).toBe("failed");
  });
});
