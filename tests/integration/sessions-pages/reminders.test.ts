/**
 * Session reminders on a real PostgreSQL and Redis: a `remind` job reminds each interested participant of a
 * session that starts soon exactly once (a second run reminds nobody): an in-app notification, delivered
 * live, and, for a confirmed address, an e-mail through the outbox. The real worker process then relays the
 * e-mail to the mail sink, and keeps the every-minute scheduler in BullMQ.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue, UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { notificationText, readPayload } from "~/domain/notifications/notifications.schema.ts";
import { createSession, registerInterest } from "~/domain/sessions/sessions.server.ts";
import { createT } from "~/i18n/i18n.ts";
import type { SendMailPayload } from "~/jobs/queues.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import {
  processRemindersJob,
  REMINDERS_QUEUE,
  REMINDERS_SCHEDULER_ID,
} from "../../../workers/session-reminders.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { isAddressedTo, readMailbox, waitForMail } from "../../helpers/mail.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";
import { startWorker, type RunningWorker } from "../../helpers/server.ts";
import { committee, person, sessionFields } from "../sessions/fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const db = () => testDb().prisma;
const APP_URL = "http://synochi.test";
const mailDir = mkdtempSync(path.join(tmpdir(), "synochi-reminders-"));

let committeeId: string;
let chair: CurrentUser;
let worker: RunningWorker | undefined;

beforeAll(async () => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    APP_URL,
  });
  committeeId = await committee(db());
  chair = await person(db(), { committees: [{ committeeId, role: "chair" }] });
});

afterAll(async () => {
  await worker?.stop();
  closePublisher();
  rmSync(mailDir, { recursive: true, force: true });
});

const HOUR = 3_600_000;

async function mailsInOutbox() {
  const rows = await db().outboxEvent.findMany({ where: { queue: "mail" }, orderBy: { id: "asc" } });
  return rows
    .map((r) => ({ key: r.key, payload: r.payload as SendMailPayload }))
    .filter((r) => r.payload.template === "session_reminder");
}

describe("session reminders", () => {
  it("remind each interested participant once, in their language, with a notification and an e-mail", async () => {
    const soon = (
      await createSession(
        db(),
        chair,
        sessionFields(committeeId, {
          title: "Συνεδρίαση για τη σίτιση",
          startsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
        }),
      )
    ).id;
    const later = (
      await createSession(
        db(),
        chair,
        sessionFields(committeeId, { startsAt: new Date(Date.now() + 5 * 24 * HOUR).toISOString() }),
      )
    ).id;
    const alice = await person(db(), { name: "Αλίκη" });
    const bob = await person(db(), { name: "Bob" });
    await db().user.update({ where: { id: bob.id }, data: { locale: "en" } });
    const unconfirmed = await person(db(), { name: "Ανεπιβεβαίωτος" });
    await db().user.update({ where: { id: unconfirmed.id }, data: { emailVerifiedAt: null } });
    const notInterested = await person(db());
    for (const u of [alice, bob, unconfirmed]) await registerInterest(db(), u, soon);
    await registerInterest(db(), notInterested, later); // five days away: not due yet

    const published: { room: string; payload: unknown }[] = [];
    const publish = ((room: string, _event: string, payload: unknown) => {
      published.push({ room, payload });
    }) as never;
    const job = { name: "remind", data: {} };
    const first = await processRemindersJob(db(), job, { publish, appUrl: APP_URL });
    expect(first).toEqual({ reminded: 3, mails: 2, notified: 3 });
    const second = await processRemindersJob(db(), job, { publish, appUrl: APP_URL });
    expect(second).toEqual({ reminded: 0, mails: 0, notified: 0 });

    // One notification per person, readable in the list, delivered live once.
    const notifications = await db().notification.findMany({ where: { type: "session_reminder" } });
    expect(notifications.map((n) => n.userId).sort()).toEqual([alice.id, bob.id, unconfirmed.id].sort());
    const payload = readPayload(notifications[0].payload);
    expect(payload).toEqual({ url: `/sessions/${soon}`, title: "Συνεδρίαση για τη σίτιση" });
    expect(notificationText(createT("el"), "session_reminder", payload)).toContain(
      "Συνεδρίαση για τη σίτιση",
    );
    expect(published.map((p) => p.room).sort()).toEqual(
      [alice.id, bob.id, unconfirmed.id].map((id) => `user:${id}`).sort(),
    );

    // One e-mail per confirmed address, in the reader's language, with absolute links.
    const mails = await mailsInOutbox();
    expect(mails.map((m) => m.payload.to).sort()).toEqual([alice.email, bob.email].sort());
    const toBob = mails.find((m) => m.payload.to === bob.email)!.payload;
    expect(toBob.locale).toBe("en");
    expect(toBob.params).toMatchObject({
      title: "Συνεδρίαση για τη σίτιση",
      mode: "In person and online",
      url: `${APP_URL}/sessions/${soon}`,
      icsUrl: `${APP_URL}/sessions/${soon}/ics`,
    });
    const interests = await db().sessionInterest.findMany({ where: { sessionId: soon } });
    expect(interests.every((i) => i.remindedAt !== null)).toBe(true);
    expect(
      (await db().sessionInterest.findFirstOrThrow({ where: { sessionId: later } })).remindedAt,
    ).toBeNull();

    // The real worker relays the e-mails to the mail sink and keeps the every-minute scheduler.
    worker = await startWorker({ databaseUrl: testDb().url, mailDir, env: { APP_URL } });
    const mail = await waitForMail(mailDir, (m) => isAddressedTo(m, alice.email), 20_000);
    expect(mail.subject).toContain("Συνεδρίαση για τη σίτιση");
    expect(mail.text).toContain(`${APP_URL}/sessions/${soon}/ics`);
    await waitForMail(mailDir, (m) => isAddressedTo(m, bob.email), 20_000);
    const queue = new Queue(REMINDERS_QUEUE, { connection: createRedis(), prefix: testRedis.prefix });
    try {
      const deadline = Date.now() + 10_000;
      let ids: string[] = [];
      while (Date.now() < deadline) {
        ids = (await queue.getJobSchedulers()).map((s) => s.key ?? s.id ?? "");
        if (ids.includes(REMINDERS_SCHEDULER_ID)) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(ids).toContain(REMINDERS_SCHEDULER_ID);
      // Give the scheduler's first run time to happen: still one e-mail each.
      await new Promise((r) => setTimeout(r, 1_500));
    } finally {
      await queue.close();
    }
    const box = readMailbox(mailDir);
    expect(box.filter((m) => isAddressedTo(m, alice.email))).toHaveLength(1);
    expect(box.filter((m) => isAddressedTo(m, bob.email))).toHaveLength(1);
    expect(box.filter((m) => isAddressedTo(m, unconfirmed.email))).toHaveLength(0);
    expect(await db().notification.count({ where: { type: "session_reminder" } })).toBe(3);
  });

  it("fail a malformed job at once instead of retrying it", async () => {
    await expect(processRemindersJob(db(), { name: "other", data: {} })).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });
});
