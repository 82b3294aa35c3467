/**
 * What people see of the analysis, on the real server: the submission page's labels (public values for
 * everyone; confidences, sources and the confirm/correct forms for staff), its `label-confirm` /
 * `label-correct` intents through plain HTML forms (403 for citizens and authors, nothing stored; bad values
 * refused in the reader's language), /alerts and /moderation/duplicates with their forms, the `alerts` socket
 * room (moderators in, citizens out) and the urgent e-mails, one per staff member per version.
 */
import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { updateDuplicateGroups } from "~/domain/analysis/duplicates.server.ts";
import { handleUrgentAnalysis } from "~/domain/analysis/urgency.server.ts";
import analysisEl from "~/i18n/areas/analysis.el.json";
import analysisEn from "~/i18n/areas/analysis.en.json";
import { closePublisher } from "~/realtime/publish.server.ts";
import { upsertGeographyAndTaxonomy } from "../../../prisma/seed.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { createSessionToken } from "../../helpers/factories.ts";
import { httpClient, type Cookies } from "../../helpers/http.ts";
import { isAddressedTo, readMailbox, waitForMail } from "../../helpers/mail.ts";
import { redisPrefix, redisUrl, useTestRedis } from "../../helpers/redis.ts";
import { startApp, startWorker, type RunningApp, type RunningWorker } from "../../helpers/server.ts";
import { insertAnalysis, makeActor, makeConsultation, setEnv, submissionWith } from "./fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const db = () => testDb().prisma;
const el = analysisEl.analysis;
const en = analysisEn.analysis;

let app: RunningApp;
const { cookiesOf: sessionOf, get, post } = httpClient(() => app.url, db);
let worker: RunningWorker;
let moderator: CurrentUser;
let directorate: CurrentUser;
let admin: CurrentUser;
let citizen: CurrentUser;
let author: CurrentUser;
let consultationId: string;
let submissionId: string;
const sockets: Socket[] = [];

const html = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

async function page(path: string, cookies: Cookies): Promise<{ status: number; body: string }> {
  const res = await get(path, cookies);
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  setEnv(testDb().url, { url: redisUrl, prefix: redisPrefix });
  await upsertGeographyAndTaxonomy(db());
  moderator = await makeActor(db(), ["citizen", "moderator"]);
  directorate = await makeActor(db(), ["directorate"]);
  admin = await makeActor(db(), ["citizen", "admin"]);
  citizen = await makeActor(db());
  author = await makeActor(db());
  consultationId = await makeConsultation(db(), directorate.id);
  submissionId = await submissionWith(
    db(),
    author,
    consultationId,
    "Κοινωνικές κατοικίες στην Πάτρα",
    "Χρειαζόμαστε κοινωνικές κατοικίες για οικογένειες που δεν μπορούν να πληρώσουν ενοίκιο.",
  );
  await insertAnalysis(db(), submissionId, {
    themes: [{ key: "housing", confidence: 0.87 }],
    targetGroups: [{ key: "child_family", confidence: 0.66 }],
    kind: "need",
    kindConfidence: 0.71,
    urgent: false,
    urgentConfidence: 0.12,
  });
  app = await startApp({ databaseUrl: testDb().url });
  worker = await startWorker({ databaseUrl: testDb().url, mailDir: app.mailDir });
}, 90_000);

afterAll(async () => {
  for (const s of sockets.splice(0)) s.disconnect();
  await worker?.stop();
  await app?.stop();
  closePublisher();
});

describe("the submission page", () => {
  it("shows everyone the public labels, without confidences or staff controls", async () => {
    for (const who of [null, citizen, author]) {
      const { status, body } = await page(`/submissions/${submissionId}`, await sessionOf(who));
      expect(status).toBe(200);
      expect(body).toContain(el.labels.publicTitle);
      expect(body).toContain("Στέγαση"); // the housing theme's Greek name
      expect(body).not.toContain(el.labels.title);
      expect(body).not.toContain('value="label-confirm"');
      // The urgent label is staff-only. (The priority explanation further down the page names its
      // public "urgency" component with the same word once the ranking is computed, so look at the
      // labels section alone.)
      const labels = /<section class="card analysis-labels"[\s\S]*?<\/section>/.exec(body)?.[0];
      expect(labels).toContain(el.labels.publicTitle);
      expect(labels).not.toContain(el.labels.urgent);
    }
  });

  it("shows staff every label with its confidence and source, and the forms", async () => {
    for (const who of [moderator, directorate, admin]) {
      const { status, body } = await page(`/submissions/${submissionId}`, await sessionOf(who));
      expect(status).toBe(200);
      expect(body).toContain(el.labels.title);
      expect(body).toContain('value="label-confirm"');
      expect(body).toContain('value="label-correct"');
      expect(body).toContain("87"); // housing confidence, as a percentage
      expect(body).toContain(html(el.labels.sourceModel.replace("{version}", "test-model-1")));
    }
    const { body } = await page(`/submissions/${submissionId}`, await sessionOf(moderator, "en"));
    expect(body).toContain(en.labels.title);
    expect(body).toContain("Housing");
  });

  it("refuses citizens and the author (403) and sends visitors to sign in; nothing is stored", async () => {
    for (const who of [citizen, author]) {
      const cookies = await sessionOf(who);
      for (const fields of [
        [
          ["intent", "label-confirm"],
          ["field", "kind"],
        ],
        [
          ["intent", "label-correct"],
          ["field", "kind"],
          ["value", "proposal"],
        ],
      ] as [string, string][][]) {
        const res = await post(`/submissions/${submissionId}`, cookies, fields);
        const body = await res.text();
        expect(res.status).toBe(403);
        expect(body).toContain(html(el.labels.errors.forbidden));
      }
    }
    const visitor = await post(`/submissions/${submissionId}`, await sessionOf(null), [
      ["intent", "label-confirm"],
      ["field", "kind"],
    ]);
    await visitor.arrayBuffer();
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("location")).toMatch(/^\/login/);
    expect(await db().labelCorrection.count({ where: { submissionId } })).toBe(0);
  });

  it("refuses bad values with the message in the reader's language, storing nothing", async () => {
    for (const [lang, message] of [
      [undefined, el.labels.errors.kind],
      ["en", en.labels.errors.kind],
    ] as const) {
      const res = await post(`/submissions/${submissionId}`, await sessionOf(moderator, lang), [
        ["intent", "label-correct"],
        ["field", "kind"],
        ["value", "complaint"],
      ]);
      const body = await res.text();
      expect(res.status).toBe(400);
      expect(body).toContain(html(message));
    }
    const res = await post(`/submissions/${submissionId}`, await sessionOf(moderator), [
      ["intent", "label-correct"],
      ["field", "themes"],
      ["value", "housing"],
      ["value", "no_such_theme"],
    ]);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain(html(el.labels.errors.theme));
    expect(await db().labelCorrection.count({ where: { submissionId } })).toBe(0);
  });

  it("lets staff confirm and correct through the plain forms; the page then shows who did it", async () => {
    const confirm = await post(`/submissions/${submissionId}`, await sessionOf(directorate), [
      ["intent", "label-confirm"],
      ["field", "kind"],
    ]);
    const confirmed = await confirm.text();
    // Without JavaScript the page says what happened, next to the label.
    expect(confirmed).toContain(html(el.labels.confirmed.replace("{field}", el.labels.fields.kind)));
    expect(confirm.status).toBe(200);
    const correct = await post(`/submissions/${submissionId}`, await sessionOf(moderator), [
      ["intent", "label-correct"],
      ["field", "themes"],
      ["value", "housing"],
      ["value", "income_poverty"],
    ]);
    await correct.arrayBuffer();
    expect(correct.status).toBe(200);
    const rows = await db().labelCorrection.findMany({
      where: { submissionId },
      orderBy: { createdAt: "asc" },
    });
    expect(rows.map((r) => [r.field, r.value, r.correctedById])).toEqual([
      ["kind", "need", directorate.id],
      ["themes", ["housing", "income_poverty"], moderator.id],
    ]);
    const { body } = await page(`/submissions/${submissionId}`, await sessionOf(admin));
    const directorateName = (await db().user.findUniqueOrThrow({ where: { id: directorate.id } }))
      .displayName;
    expect(body).toContain(html(el.labels.sourceConfirmed.split("{name}")[0]) + html(directorateName));
    // And the public now sees the corrected themes.
    const pub = await page(`/submissions/${submissionId}`, await sessionOf(null, "en"));
    expect(pub.body).toMatch(/Housing/);
    expect(pub.body).toMatch(/Income|poverty/i);
  });
});

describe("urgent alerts", () => {
  let urgentId = "";
  const title = "Μείναμε χωρίς ρεύμα και θέρμανση";

  function connect(cookie?: string): Socket {
    const socket = io(app.url, {
      transports: ["websocket"],
      extraHeaders: cookie ? { Cookie: cookie } : {},
      reconnection: false,
      forceNew: true,
      timeout: 5_000,
    });
    sockets.push(socket);
    return socket;
  }
  async function join(socket: Socket): Promise<boolean> {
    await new Promise<void>((resolve, reject) => {
      if (socket.connected) return resolve();
      socket.once("connect", () => resolve());
      socket.once("connect_error", reject);
    });
    const ack = (await socket.timeout(5_000).emitWithAck("room:join", { room: "alerts" })) as { ok: boolean };
    return ack.ok;
  }

  it(
    "reach a moderator's socket in the alerts room live; citizens may not join; e-mails go once to each staff member",
    { timeout: 90_000 },
    async () => {
      const modSocket = connect(`synochi_session=${await createSessionToken(db(), moderator.id)}`);
      const dirSocket = connect(`synochi_session=${await createSessionToken(db(), directorate.id)}`);
      const citizenSocket = connect(`synochi_session=${await createSessionToken(db(), citizen.id)}`);
      const anonSocket = connect();
      expect(await join(modSocket)).toBe(true);
      expect(await join(dirSocket)).toBe(true);
      expect(await join(citizenSocket)).toBe(false);
      expect(await join(anonSocket)).toBe(false);
      const heard: unknown[] = [];
      citizenSocket.on("alert:urgent", (p) => heard.push(p));
      anonSocket.on("alert:urgent", (p) => heard.push(p));
      const alertsOf = (socket: Socket) => {
        const got: { submissionId: string }[] = [];
        socket.on("alert:urgent", (p: { submissionId: string }) => got.push(p));
        return got;
      };
      const modHeard = alertsOf(modSocket);
      const dirHeard = alertsOf(dirSocket);

      // The submission arrives; its analysis says urgent (written here; the running worker may also reach it
      // and call the same hook). The hook runs twice, as for a retried job.
      urgentId = await submissionWith(
        db(),
        citizen,
        consultationId,
        title,
        "Μας έκοψαν το ρεύμα χθες και μένουμε χωρίς θέρμανση με δύο μικρά παιδιά.",
      );
      await insertAnalysis(db(), urgentId, { urgent: true, urgentConfidence: 0.94 });
      const input = { submissionId: urgentId, version: 1, confidence: 0.94 };
      await handleUrgentAnalysis(db(), input);
      expect((await handleUrgentAnalysis(db(), input)).notified).toBe(0);
      const notified = await db().notification.findMany({
        where: { type: "urgent_submission", payload: { path: ["submissionId"], equals: urgentId } },
      });
      expect(notified.map((n) => n.userId).sort()).toEqual([moderator.id, directorate.id, admin.id].sort());
      for (const heard of [modHeard, dirHeard]) {
        await expect.poll(() => heard.map((h) => h.submissionId), { timeout: 10_000 }).toEqual([urgentId]);
      }

      for (const who of [moderator, directorate, admin]) {
        await waitForMail(
          app.mailDir,
          (m) => isAddressedTo(m, who.email) && m.subject.includes(title),
          20_000,
        );
      }
      await new Promise((r) => setTimeout(r, 1_500));
      const mails = readMailbox(app.mailDir).filter((m) => m.subject.includes(title));
      for (const who of [moderator, directorate, admin]) {
        expect(mails.filter((m) => isAddressedTo(m, who.email))).toHaveLength(1);
      }
      expect(mails.filter((m) => isAddressedTo(m, citizen.email))).toHaveLength(0);
      expect(heard).toEqual([]);
    },
  );

  it("are listed at /alerts for staff only, and acknowledging one closes it", async () => {
    for (const who of [citizen, author]) {
      expect((await page("/alerts", await sessionOf(who))).status).toBe(403);
      const res = await post("/alerts", await sessionOf(who), [
        ["intent", "acknowledge"],
        ["submissionId", urgentId],
      ]);
      await res.arrayBuffer();
      expect(res.status).toBe(403);
    }
    expect((await get("/alerts")).status).toBe(302);
    const listed = await page("/alerts", await sessionOf(directorate));
    expect(listed.status).toBe(200);
    expect(listed.body).toContain("Μείναμε χωρίς ρεύμα και θέρμανση");
    expect(listed.body).toContain(el.alerts.title);

    const ack = await post("/alerts", await sessionOf(moderator, "en"), [
      ["intent", "acknowledge"],
      ["submissionId", urgentId],
      ["title", "Μείναμε χωρίς ρεύμα και θέρμανση"],
    ]);
    const body = await ack.text();
    expect(ack.status).toBe(200);
    expect(body).toContain(html(en.alerts.acknowledged.split("“")[0]));
    expect(body).not.toContain(`/submissions/${urgentId}"`);
    const row = await db().labelCorrection.findFirstOrThrow({ where: { submissionId: urgentId } });
    expect(row).toMatchObject({ field: "urgent", value: true, correctedById: moderator.id });
  });
});

describe("duplicate suggestions", () => {
  it("are shown to moderators only, with merge links, and 'not duplicates' dismisses the group", async () => {
    const texts = [
      "Ζητάμε δωρεάν μεταφορά για τους ηλικιωμένους του χωριού μας στο κέντρο υγείας της περιοχής κάθε εβδομάδα.",
      "Ζητάμε δωρεάν μεταφορά για τους ηλικιωμένους του χωριού μας στο κέντρο υγείας της περιοχής, κάθε εβδομάδα!",
      "Ζητάμε δωρεάν μεταφορά των ηλικιωμένων του χωριού μας στο κέντρο υγείας της περιοχής κάθε εβδομάδα.",
    ];
    const ids: string[] = [];
    for (const [i, t] of texts.entries()) {
      ids.push(
        await submissionWith(
          db(),
          [citizen, author, admin][i],
          consultationId,
          `Μεταφορά ηλικιωμένων ${i + 1}`,
          t,
        ),
      );
    }
    for (const id of ids) await updateDuplicateGroups(db(), id);
    const group = await db().nearDuplicateGroup.findFirstOrThrow({
      where: { members: { some: { submissionId: ids[0] } } },
      include: { members: true },
    });
    expect(group.members.map((m) => m.submissionId).sort()).toEqual([...ids].sort());

    for (const who of [directorate, citizen, admin]) {
      expect((await page("/moderation/duplicates", await sessionOf(who))).status).toBe(403);
      const res = await post("/moderation/duplicates", await sessionOf(who), [
        ["intent", "dismiss"],
        ["groupId", group.id],
      ]);
      await res.arrayBuffer();
      expect(res.status).toBe(403);
    }
    const listed = await page("/moderation/duplicates", await sessionOf(moderator));
    expect(listed.status).toBe(200);
    for (const id of ids) expect(listed.body).toContain(`/submissions/${id}`);
    expect(listed.body).toMatch(/\/moderation\/submissions\/[0-9a-f-]{36}\?target=[0-9a-f-]{36}/);

    const dismissed = await post("/moderation/duplicates", await sessionOf(moderator), [
      ["intent", "dismiss"],
      ["groupId", group.id],
    ]);
    const body = await dismissed.text();
    expect(dismissed.status).toBe(200);
    expect(body).toContain(html(el.duplicates.dismissed));
    expect(body).not.toContain(`/submissions/${ids[0]}"`);
    expect(
      (await db().nearDuplicateGroup.findUniqueOrThrow({ where: { id: group.id } })).dismissedAt,
    ).not.toBeNull();
  });
});
