/**
 * The e-mail digest against a real PostgreSQL and Redis: one localised `digest` e-mail per user and day in
 * the outbox, listing their unread notifications not yet e-mailed with absolute links, marked e-mailed in the
 * same transaction; preference, erasure, read and old notifications respected; a second run sends nothing
 * twice; the e-mail renders the list as escaped links; the daily scheduler exists in BullMQ.
 */
import { Queue, UnrecoverableError } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { athensDay, sendDigests } from "~/domain/notifications/notifications.server.ts";
import { parseJobPayload, type SendMailPayload } from "~/jobs/queues.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { newId } from "~/utils/ids.ts";
import {
  DIGEST_CRON,
  digestSchedulerId,
  processDigestJob,
  scheduleDigests,
} from "../../../workers/digest.ts";
import { renderMail } from "../../../workers/mail.ts";
import { handleNotifyJob } from "../../../workers/notify.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createUser } from "../../helpers/factories.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";
import { createComment, createConsultation, createSubmission } from "./fixtures.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const prisma = () => testDb().prisma;
const APP_URL = "http://synochi.test";

beforeAll(() => {
  Object.assign(process.env, {
    NODE_ENV: "test",
    DATABASE_URL: testDb().url,
    REDIS_URL: testRedis.url,
    REDIS_PREFIX: testRedis.prefix,
    APP_URL,
  });
});

afterAll(() => closePublisher());

const HOUR = 3_600_000;

async function digestMailsTo(email: string) {
  const rows = await prisma().outboxEvent.findMany({ where: { queue: "mail" }, orderBy: { id: "asc" } });
  return rows
    .map((r) => ({ key: r.key, payload: r.payload as SendMailPayload & { params: Record<string, unknown> } }))
    .filter((r) => r.payload.to === email && r.payload.template === "digest");
}

async function addNotification(
  userId: string,
  opts: { createdAt: Date; title?: string; readAt?: Date; type?: string } = { createdAt: new Date() },
) {
  const id = newId();
  await prisma().notification.create({
    data: {
      id,
      userId,
      type: opts.type ?? "support_milestone",
      payload: { url: `/submissions/${newId()}`, title: opts.title ?? "Πρόταση", count: 10 },
      createdAt: opts.createdAt,
      readAt: opts.readAt ?? null,
    },
  });
  return id;
}

describe("sendDigests", () => {
  it("writes one localised e-mail per user with their unread notifications as absolute links, and marks them", async () => {
    const now = new Date("2026-03-10T05:00:00Z"); // 07:00 in Athens
    const author = await createUser(prisma(), { displayName: "Άννα" });
    const commenter = await createUser(prisma(), { displayName: "Βασίλης" });
    const staff = await createUser(prisma(), { roles: ["directorate"] });
    const consultation = await createConsultation(prisma(), { createdById: staff.id, title: "Στέγαση" });
    const submission = await createSubmission(prisma(), {
      consultationId: consultation.id,
      authorId: author.id,
      title: "Κοινωνικές κατοικίες",
    });
    const comment = await createComment(prisma(), {
      authorId: commenter.id,
      submissionId: submission.id,
      alignment: "against",
    });
    await handleNotifyJob(prisma(), "comment.created", { commentId: comment.id });
    await handleNotifyJob(prisma(), "support.milestone", { submissionId: submission.id, count: 10 });
    // Move them into the digest's window (they were created "now" in real time), the comment first.
    for (const [type, hoursAgo] of [
      ["comment_on_yours", 3],
      ["support_milestone", 2],
    ] as const) {
      await prisma().notification.updateMany({
        where: { userId: author.id, type },
        data: { createdAt: new Date(now.getTime() - hoursAgo * HOUR) },
      });
    }
    const read = await addNotification(author.id, { createdAt: new Date(now.getTime() - HOUR), readAt: now });
    const old = await addNotification(author.id, { createdAt: new Date(now.getTime() - 5 * 24 * HOUR) });
    const future = await addNotification(author.id, { createdAt: new Date(now.getTime() + HOUR) });

    const result = await sendDigests(prisma(), { now, frequency: "daily", appUrl: APP_URL });
    expect(result.mails).toBeGreaterThanOrEqual(1);

    const mails = await digestMailsTo(author.email);
    expect(mails).toHaveLength(1);
    expect(mails[0].key).toBe(`mail:digest-${author.id}-2026-03-10`);
    const payload = mails[0].payload;
    expect(payload.locale).toBe("el");
    expect(payload.params.displayName).toBe("Άννα");
    expect(payload.params.count).toBe("2");
    expect(payload.params.url).toBe(`${APP_URL}/notifications`);
    const items = payload.params.items as { text: string; url: string }[];
    expect(items).toHaveLength(2);
    expect(items[0]).toEqual({
      text: "Βασίλης σχολίασε την κατάθεσή σας «Κοινωνικές κατοικίες» (κατά)",
      url: `${APP_URL}/submissions/${submission.id}#comment-${comment.id}`,
    });
    expect(items[1].text).toContain("10");
    expect(items[1].url).toBe(`${APP_URL}/submissions/${submission.id}`);

    const rows = await prisma().notification.findMany({ where: { userId: author.id } });
    const emailed = new Map(rows.map((r) => [r.id, r.emailedAt]));
    expect(rows.filter((r) => r.emailedAt?.getTime() === now.getTime())).toHaveLength(2);
    for (const id of [read, old, future]) expect(emailed.get(id)).toBeNull();

    // The payload is a valid `mail`/`send` job and renders the list as links.
    const mail = renderMail(parseJobPayload("mail", "send", payload));
    expect(mail.subject).toContain("(2)");
    expect(mail.html).toContain(
      `<li style="margin-bottom:8px"><a href="${APP_URL}/submissions/${submission.id}#comment-${comment.id}"`,
    );
    expect(mail.text).toContain(`- ${items[0].text}\n  ${items[0].url}`);
  });

  it("sends nothing twice on the same day; what arrives later waits for the next day", async () => {
    const now = new Date("2026-03-11T05:00:00Z");
    const u = await createUser(prisma());
    await addNotification(u.id, { createdAt: new Date(now.getTime() - HOUR) });

    await sendDigests(prisma(), { now, frequency: "daily", appUrl: APP_URL });
    expect(await digestMailsTo(u.email)).toHaveLength(1);

    // Re-running (a retried job) finds nothing new.
    const again = await sendDigests(prisma(), { now, frequency: "daily", appUrl: APP_URL });
    expect(await digestMailsTo(u.email)).toHaveLength(1);
    expect(again.mails).toBe(0);

    // A notification that arrives the same day, with a second run that day: not sent, not marked.
    const later = new Date(now.getTime() + 2 * HOUR);
    const late = await addNotification(u.id, { createdAt: new Date(later.getTime() - 60_000) });
    await sendDigests(prisma(), { now: later, frequency: "daily", appUrl: APP_URL });
    expect(await digestMailsTo(u.email)).toHaveLength(1);
    expect((await prisma().notification.findUniqueOrThrow({ where: { id: late } })).emailedAt).toBeNull();

    // The next morning it goes out.
    const tomorrow = new Date(now.getTime() + 24 * HOUR);
    await sendDigests(prisma(), { now: tomorrow, frequency: "daily", appUrl: APP_URL });
    const mails = await digestMailsTo(u.email);
    expect(mails.map((m) => m.key)).toEqual([
      `mail:digest-${u.id}-2026-03-11`,
      `mail:digest-${u.id}-2026-03-12`,
    ]);
    expect((mails[1].payload.params.items as unknown[]).length).toBe(1);
  });

  it("respects the preference and skips erased and unverified users", async () => {
    const now = new Date("2026-03-12T05:00:00Z");
    const none = await createUser(prisma());
    await prisma().user.update({ where: { id: none.id }, data: { digest: "none" } });
    const erased = await createUser(prisma());
    await prisma().user.update({ where: { id: erased.id }, data: { erasedAt: now } });
    const unverified = await createUser(prisma());
    await prisma().user.update({ where: { id: unverified.id }, data: { emailVerifiedAt: null } });
    const nothingUnread = await createUser(prisma());
    for (const u of [none, erased, unverified])
      await addNotification(u.id, { createdAt: new Date(now.getTime() - HOUR) });
    await addNotification(nothingUnread.id, { createdAt: new Date(now.getTime() - HOUR), readAt: now });

    await sendDigests(prisma(), { now, frequency: "daily", appUrl: APP_URL });
    for (const u of [none, erased, unverified, nothingUnread])
      expect(await digestMailsTo(u.email)).toEqual([]);
  });

  it("writes in the user's language and lists at most 30 items, then how many more", async () => {
    const now = new Date("2026-03-13T05:00:00Z");
    const u = await createUser(prisma(), { displayName: "Nick" });
    await prisma().user.update({ where: { id: u.id }, data: { locale: "en" } });
    for (let i = 0; i < 33; i++) {
      await addNotification(u.id, {
        createdAt: new Date(now.getTime() - HOUR + i * 1000),
        title: `<b>T${i}</b>`,
      });
    }
    const result = await sendDigests(prisma(), { now, frequency: "daily", appUrl: APP_URL });
    expect(result.items).toBeGreaterThanOrEqual(33);
    const [mail] = await digestMailsTo(u.email);
    expect(mail.payload.locale).toBe("en");
    expect(mail.payload.params.count).toBe("33");
    const items = mail.payload.params.items as { text: string; url: string }[];
    expect(items).toHaveLength(31);
    expect(items[0].text).toBe("Your proposal “<b>T0</b>” reached 10 supports");
    expect(items[30]).toEqual({ text: "…and 3 more notifications", url: `${APP_URL}/notifications` });
    expect(await prisma().notification.count({ where: { userId: u.id, emailedAt: null } })).toBe(0);

    const rendered = renderMail(parseJobPayload("mail", "send", mail.payload));
    expect(rendered.subject).toBe("Your notifications on Synochi (33)");
    expect(rendered.html).not.toContain("<b>T0</b>");
    expect(rendered.html).toContain("&lt;b&gt;T0&lt;/b&gt;");
    expect(rendered.text).toContain("Hello Nick,");
  });

  it("names the day in Athens time", () => {
    expect(athensDay(new Date("2026-03-10T22:30:00Z"))).toBe("2026-03-11");
    expect(athensDay(new Date("2026-07-01T20:59:00Z"))).toBe("2026-07-01");
  });
});

describe("the digest job and its scheduler", () => {
  it("runs sendDigests for the job's frequency and refuses an invalid job", async () => {
    const u = await createUser(prisma());
    await addNotification(u.id, { createdAt: new Date(Date.now() - HOUR) });
    const result = await processDigestJob(prisma(), { name: "send", data: { frequency: "daily" } });
    expect(result.mails).toBeGreaterThanOrEqual(1);
    expect(await digestMailsTo(u.email)).toHaveLength(1);
    await expect(
      processDigestJob(prisma(), { name: "send", data: { frequency: "hourly" } }),
    ).rejects.toBeInstanceOf(UnrecoverableError);
    await expect(processDigestJob(prisma(), { name: "other", data: {} })).rejects.toBeInstanceOf(
      UnrecoverableError,
    );
  });

  it("upserts a daily 07:00 Athens scheduler (once, however many times it is called)", async () => {
    const connection = createRedis();
    const queue = new Queue("digest", { connection, prefix: testRedis.prefix });
    try {
      await scheduleDigests(queue);
      await scheduleDigests(queue);
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toHaveLength(1);
      expect(schedulers[0]).toMatchObject({
        key: digestSchedulerId("daily"),
        pattern: DIGEST_CRON.daily,
        tz: "Europe/Athens",
      });
      expect(DIGEST_CRON.daily).toBe("0 7 * * *");
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});
