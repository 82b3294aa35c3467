/**
 * Urgent alerts against real PostgreSQL: one in-app notification and one e-mail (outbox row) per moderator,
 * Directorate member and admin per submission version, however often the worker calls the hook; nothing for
 * citizens; a person's "not urgent" silences it; /alerts' list closes when someone acknowledges.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { correctLabel } from "~/domain/analysis/labels.server.ts";
import {
  URGENT_NOTIFICATION_TYPE,
  handleUrgentAnalysis,
  listOpenAlerts,
} from "~/domain/analysis/urgency.server.ts";
import { notificationText, readPayload } from "~/domain/notifications/notifications.schema.ts";
import { createT } from "~/i18n/i18n.ts";
import { parseJobPayload } from "~/jobs/queues.server.ts";
import type { publish } from "~/realtime/publish.server.ts";
import { closePublisher } from "~/realtime/publish.server.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../../helpers/redis.ts";
import { insertAnalysis, makeActor, makeConsultation, setEnv, submissionWith } from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const db = () => testDb().prisma;

let staff: CurrentUser[];
let citizen: CurrentUser;
let consultationId: string;

/** Records what would be published (the real emitter is exercised by the pages test). */
function recorder() {
  const sent: { room: string | string[]; event: string; payload: unknown }[] = [];
  const fn = ((room, event, payload) => {
    sent.push({ room, event, payload });
  }) as typeof publish;
  return { sent, fn };
}

async function urgentSubmission(title = "Μένουμε χωρίς θέρμανση με δύο μωρά") {
  const id = await submissionWith(
    db(),
    citizen,
    consultationId,
    title,
    "Μας έκοψαν το ρεύμα και μένουμε χωρίς θέρμανση με δύο μωρά στο σπίτι. Χρειαζόμαστε βοήθεια τώρα.",
  );
  await insertAnalysis(db(), id, { urgent: true, urgentConfidence: 0.93 });
  return id;
}

beforeAll(async () => {
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  staff = [
    await makeActor(db(), ["citizen", "moderator"]),
    await makeActor(db(), ["directorate"]),
    await makeActor(db(), ["citizen", "admin"]),
  ];
  citizen = await makeActor(db());
  // An erased moderator hears nothing.
  const erased = await makeActor(db(), ["moderator"]);
  await db().user.update({ where: { id: erased.id }, data: { erasedAt: new Date() } });
  consultationId = await makeConsultation(db(), staff[1].id);
});

afterAll(() => closePublisher());

describe("handleUrgentAnalysis", () => {
  it("notifies and e-mails each staff member exactly once per version, even when called again", async () => {
    const id = await urgentSubmission();
    const first = recorder();
    const r1 = await handleUrgentAnalysis(
      db(),
      { submissionId: id, version: 1, confidence: 0.93 },
      { publish: first.fn },
    );
    expect(r1).toEqual({ alerted: true, notified: 3 });
    // The worker's job retried, and two workers at once.
    const again = recorder();
    const results = await Promise.all([
      handleUrgentAnalysis(db(), { submissionId: id, version: 1, confidence: 0.93 }, { publish: again.fn }),
      handleUrgentAnalysis(db(), { submissionId: id, version: 1, confidence: 0.93 }, { publish: again.fn }),
    ]);
    expect(results).toEqual([
      { alerted: false, notified: 0 },
      { alerted: false, notified: 0 },
    ]);
    expect(again.sent).toEqual([]);

    const notifications = await db().notification.findMany({ where: { type: URGENT_NOTIFICATION_TYPE } });
    expect(notifications.map((n) => n.userId).sort()).toEqual(staff.map((s) => s.id).sort());
    const mails = await db().outboxEvent.findMany({ where: { queue: "mail", key: { contains: id } } });
    expect(mails).toHaveLength(3);
    const to = mails.map((m) => parseJobPayload("mail", "send", m.payload)).map((p) => p.to);
    expect(to.sort()).toEqual(staff.map((s) => s.email).sort());
    for (const m of mails) {
      const p = parseJobPayload("mail", "send", m.payload);
      expect(p.template).toBe("urgent_alert");
      if (p.template === "urgent_alert") {
        expect(p.params.url).toBe(`http://synochi.test/submissions/${id}`);
        expect(p.params.confidence).toBe("93%");
      }
    }

    // One live alert to the alerts room and a bell update per recipient.
    const alerts = first.sent.filter((s) => s.event === "alert:urgent");
    expect(alerts).toEqual([
      {
        room: "alerts",
        event: "alert:urgent",
        payload: expect.objectContaining({ submissionId: id, consultationId, confidence: 0.93 }),
      },
    ]);
    expect(
      first.sent
        .filter((s) => s.event === "notification:new")
        .map((s) => s.room)
        .sort(),
    ).toEqual(staff.map((s) => `user:${s.id}`).sort());

    // The notification reads well in both languages.
    const payload = readPayload(notifications[0].payload);
    expect(notificationText(createT("el"), URGENT_NOTIFICATION_TYPE, payload)).toContain("Επείγουσα");
    expect(notificationText(createT("en"), URGENT_NOTIFICATION_TYPE, payload)).toContain("Urgent");
  });

  it("sends once when several workers handle the same analysis at the same moment", async () => {
    const id = await urgentSubmission("Φωτιά στο διπλανό διαμέρισμα");
    const rec = recorder();
    const input = { submissionId: id, version: 1, confidence: 0.8 };
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => handleUrgentAnalysis(db(), input, { publish: rec.fn })),
    );
    expect(results.map((r) => r.notified).sort()).toEqual([0, 0, 0, 3]);
    expect(rec.sent.filter((s) => s.event === "alert:urgent")).toHaveLength(1);
    expect(await db().outboxEvent.count({ where: { queue: "mail", key: { contains: id } } })).toBe(3);
  });

  it("alerts again for a new version of the submission", async () => {
    const id = await urgentSubmission("Έξωση αύριο το πρωί");
    await handleUrgentAnalysis(
      db(),
      { submissionId: id, version: 1, confidence: 0.9 },
      { publish: recorder().fn },
    );
    await db().submission.update({ where: { id }, data: { version: 2 } });
    await insertAnalysis(db(), id, { version: 2, urgent: true, urgentConfidence: 0.95 });
    const r = await handleUrgentAnalysis(
      db(),
      { submissionId: id, version: 2, confidence: 0.95 },
      { publish: recorder().fn },
    );
    expect(r.notified).toBe(3);
    expect(
      await db().notification.count({
        where: { type: URGENT_NOTIFICATION_TYPE, payload: { path: ["submissionId"], equals: id } },
      }),
    ).toBe(6);
  });

  it("stays silent when a person said the submission is not urgent, or it was withdrawn", async () => {
    const id = await urgentSubmission("Όχι πραγματικά επείγον");
    await correctLabel(db(), staff[0], id, "urgent", "false");
    const rec = recorder();
    expect(
      await handleUrgentAnalysis(
        db(),
        { submissionId: id, version: 1, confidence: 0.7 },
        { publish: rec.fn },
      ),
    ).toEqual({
      alerted: false,
      notified: 0,
    });
    const gone = await urgentSubmission("Αποσύρθηκε");
    await db().submission.update({ where: { id: gone }, data: { status: "withdrawn" } });
    expect(
      (
        await handleUrgentAnalysis(
          db(),
          { submissionId: gone, version: 1, confidence: 0.7 },
          { publish: rec.fn },
        )
      ).alerted,
    ).toBe(false);
    expect(rec.sent).toEqual([]);
    expect(
      await db().notification.count({ where: { payload: { path: ["submissionId"], equals: id } } }),
    ).toBe(0);
  });
});

describe("listOpenAlerts", () => {
  it("lists urgent submissions until someone acknowledges them or marks them not urgent", async () => {
    const a = await urgentSubmission("Πλημμύρισε το σπίτι μας");
    const b = await urgentSubmission("Ηλικιωμένος μόνος χωρίς φαγητό");
    const calm = await submissionWith(
      db(),
      citizen,
      consultationId,
      "Πάρκο",
      "Ένα πάρκο στη γειτονιά μας θα ήταν ωραίο.",
    );
    await insertAnalysis(db(), calm, { urgent: false });
    let open = (await listOpenAlerts(db())).map((x) => x.submissionId);
    expect(open).toEqual(expect.arrayContaining([a, b]));
    expect(open).not.toContain(calm);

    await correctLabel(db(), staff[1], a, "urgent", "true"); // acknowledged
    await correctLabel(db(), staff[0], b, "urgent", "false"); // not urgent
    open = (await listOpenAlerts(db())).map((x) => x.submissionId);
    expect(open).not.toContain(a);
    expect(open).not.toContain(b);

    // A later analysis (a new version) judged urgent opens the acknowledged one again.
    await new Promise((r) => setTimeout(r, 5));
    await db().submission.update({ where: { id: a }, data: { version: 2 } });
    await insertAnalysis(db(), a, { version: 2, urgent: true, urgentConfidence: 0.99 });
    open = (await listOpenAlerts(db())).map((x) => x.submissionId);
    expect(open).toContain(a);
  });
});
