/**
 * The session pages on the real server (`tsx server.ts`, own database and Redis prefix), through plain HTML
 * forms (no JavaScript; CSRF token from the cookie): the public calendar in Athens time, the .ics file, the
 * interest button, and the scheduling forms with their permissions, refusals and echoed values.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CurrentUser } from "~/domain/accounts/auth.server.ts";
import { athensLocalToUtc } from "~/domain/consultations/consultations.schema.ts";
import { cancelSession, createSession } from "~/domain/sessions/sessions.server.ts";
import sessionsEl from "~/i18n/areas/sessions.el.json";
import sessionsEn from "~/i18n/areas/sessions.en.json";
import { useTestDatabase } from "../../helpers/db.ts";
import { httpClient, html } from "../../helpers/http.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";
import { committee, person, sessionFields } from "../sessions/fixtures.ts";

const testDb = useTestDatabase();
useTestRedis();
const db = () => testDb().prisma;
const el = sessionsEl.sessions;
const en = sessionsEn.sessions;

let app: RunningApp;
const { cookiesOf, get, post } = httpClient(() => app.url, db);
let committeeA: string;
let committeeB: string;
let chairA: CurrentUser;
let secretaryA: CurrentUser;
let chairB: CurrentUser;
let directorate: CurrentUser;
let citizen: CurrentUser;
let memberA: CurrentUser;

beforeAll(async () => {
  committeeA = await committee(db());
  committeeB = await committee(db());
  chairA = await person(db(), { committees: [{ committeeId: committeeA, role: "chair" }] });
  secretaryA = await person(db(), { committees: [{ committeeId: committeeA, role: "secretary" }] });
  memberA = await person(db(), { committees: [{ committeeId: committeeA, role: "member" }] });
  chairB = await person(db(), { committees: [{ committeeId: committeeB, role: "chair" }] });
  directorate = await person(db(), { roles: ["citizen", "directorate"] });
  citizen = await person(db());
  app = await startApp({ databaseUrl: testDb().url });
});

afterAll(async () => {
  await app?.stop();
});

/** A `datetime-local` value `days` from now, at `time` in Athens. */
function athensLocal(days: number, time: string): string {
  const d = new Date(Date.now() + days * 86_400_000);
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Athens" }).format(d);
  return `${day}T${time}`;
}

async function schedule(
  extra: Record<string, unknown> = {},
  by: CurrentUser = chairA,
  committeeId = committeeA,
) {
  return (await createSession(db(), by, sessionFields(committeeId, extra))).id;
}

describe("the calendar", () => {
  it("lists upcoming sessions by Athens month and day, hides cancelled ones, and keeps past ones on their tab", async () => {
    const local = athensLocal(9, "00:30"); // 00:30 in Athens is still the day before in UTC
    const startsAt = athensLocalToUtc(local)!;
    const early = await schedule({ title: "Νυχτερινή συνεδρίαση", startsAt: startsAt.toISOString() });
    const online = await schedule({
      title: "Διαδικτυακή συνεδρίαση",
      mode: "online",
      place: "",
      startsAt: athensLocalToUtc(athensLocal(10, "18:15"))!.toISOString(),
    });
    const cancelled = await schedule({ title: "Ακυρωμένη συνεδρίαση" });
    await cancelSession(db(), chairA, cancelled);
    const old = await schedule({ title: "Παλιά συνεδρίαση" });
    await db().liveSession.update({
      where: { id: old },
      data: { startsAt: new Date(Date.now() - 3 * 86_400_000), status: "ended" },
    });

    const res = await get("/sessions");
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain(html(el.calendar.title));
    expect(page).toContain(`href="/sessions/${early}"`);
    expect(page).toContain(`href="/sessions/${online}"`);
    expect(page).not.toContain(cancelled);
    expect(page).not.toContain(old);
    // Grouped by the Athens day, shown in Athens time.
    expect(page).toContain(`dateTime="${local.slice(0, 10)}"`);
    expect(page).toMatch(/00:30/);
    expect(page).toMatch(/18:15/);
    expect(page.indexOf(early)).toBeLessThan(page.indexOf(online));
    expect(page).toContain(`href="/sessions/${early}/ics"`);

    const onlineOnly = await (await get("/sessions?mode=online")).text();
    expect(onlineOnly).toContain(online);
    expect(onlineOnly).not.toContain(early);

    const byCommittee = await (await get(`/sessions?committee=${committeeB}`)).text();
    expect(byCommittee).not.toContain(early);

    const past = await (await get("/sessions?tab=past")).text();
    expect(past).toContain(`href="/sessions/${old}"`);
    expect(past).not.toContain(early);

    const english = await (await get("/sessions", await cookiesOf(null, "en"))).text();
    expect(english).toContain(html(en.calendar.title));
    expect(english).toContain(html(en.modes.online));
  });
});

describe("the .ics file", () => {
  it("is a calendar with a UID, the start in UTC, escaped text and a readable file name", async () => {
    const startsAt = new Date(Date.UTC(2031, 5, 3, 15, 0, 0));
    const id = await schedule({
      title: "Στέγαση, σίτιση; και \\ άλλα",
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 90 * 60_000).toISOString(),
    });
    const res = await get(`/sessions/${id}/ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/calendar; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(
      'attachment; filename="2031-06-03-stegasi-sitisi-kai-alla.ics"',
    );
    const ics = await res.text();
    expect(ics.startsWith("BEGIN:VCALENDAR\r\n")).toBe(true);
    expect(ics.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(ics).toContain(`UID:session-${id}@127.0.0.1\r\n`);
    expect(ics).toContain("DTSTART:20310603T150000Z\r\n");
    expect(ics).toContain("DTEND:20310603T163000Z\r\n");
    expect(ics.replace(/\r\n /g, "")).toContain("SUMMARY:Στέγαση\\, σίτιση\\; και \\\\ άλλα\r\n");
    expect(ics.replace(/\r\n /g, "")).toContain(`URL:${app.url}/sessions/${id}`);
    expect(ics).toContain("STATUS:CONFIRMED");
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);

    await cancelSession(db(), chairA, id);
    const cancelled = await get(`/sessions/${id}/ics`);
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain("STATUS:CANCELLED");

    for (const path of ["/sessions/00000000-0000-4000-8000-000000000000/ics", "/sessions/nope/ics"]) {
      const missing = await get(path);
      await missing.arrayBuffer();
      expect(missing.status, path).toBe(404);
    }
  });
});

describe("interest", () => {
  it("sends visitors to log in, registers and withdraws for a signed-in user, and refuses a cancelled session", async () => {
    const id = await schedule();
    const back = `/sessions/${id}`;

    const visitor = await post(`/sessions/${id}/interest`, await cookiesOf(null), [
      ["intent", "register"],
      ["redirectTo", back],
    ]);
    await visitor.arrayBuffer();
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("location")).toBe(`/login?redirectTo=${encodeURIComponent(back)}`);
    expect(await db().sessionInterest.count({ where: { sessionId: id } })).toBe(0);

    const cookies = await cookiesOf(citizen);
    for (let i = 0; i < 2; i++) {
      const res = await post(`/sessions/${id}/interest`, cookies, [
        ["intent", "register"],
        ["redirectTo", `${back}?interest=withdrawn#schedule`],
      ]);
      await res.arrayBuffer();
      expect(res.status).toBe(302);
      expect(res.headers.get("location")).toBe(`${back}?interest=registered#schedule`);
    }
    expect(await db().sessionInterest.count({ where: { sessionId: id, userId: citizen.id } })).toBe(1);

    // An address outside the site is never a redirect target.
    const withdrawn = await post(`/sessions/${id}/interest`, cookies, [
      ["intent", "withdraw"],
      ["redirectTo", "//evil.example/"],
    ]);
    await withdrawn.arrayBuffer();
    expect(withdrawn.status).toBe(302);
    expect(withdrawn.headers.get("location")).toBe(`${back}?interest=withdrawn`);
    expect(await db().sessionInterest.count({ where: { sessionId: id } })).toBe(0);

    await cancelSession(db(), chairA, id);
    const refused = await post(`/sessions/${id}/interest`, cookies, [
      ["intent", "register"],
      ["redirectTo", back],
    ]);
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain(html(el.errors.sessionOver));
    expect(await db().sessionInterest.count({ where: { sessionId: id } })).toBe(0);
  });
});

/** The fields of a good scheduling form (agenda rows as parallel fields). */
function formFields(
  over: Record<string, string> = {},
  agenda: [string, string, string][] = [],
): [string, string][] {
  const base: Record<string, string> = {
    intent: "save",
    title: "Συνεδρίαση για τη σίτιση",
    description: "Ανοιχτή συνεδρίαση",
    committeeId: committeeA,
    consultationId: "",
    startsAt: "2031-03-01T18:00",
    endsAt: "2031-03-01T20:00",
    mode: "hybrid",
    place: "Αίθουσα Β, Πάτρα",
    onlineUrl: "https://meet.example.org/room",
    ...over,
  };
  const rows: [string, string, string][] = agenda.length
    ? agenda
    : [
        ["", "Σίτιση στα σχολεία", "Πρώτο θέμα"],
        ["", "Κοινωνικά παντοπωλεία", ""],
      ];
  return [
    ...Object.entries(base),
    ...rows.flatMap(([id, title, description]): [string, string][] => [
      ["agendaId", id],
      ["agendaTitle", title],
      ["agendaDescription", description],
    ]),
  ];
}

describe("scheduling pages", () => {
  it("refuse citizens and plain members (403, nothing created) and send visitors to log in", async () => {
    const before = await db().liveSession.count();
    for (const user of [citizen, memberA]) {
      const cookies = await cookiesOf(user);
      for (const path of ["/manage/sessions", "/manage/sessions/new"]) {
        const res = await get(path, cookies);
        await res.arrayBuffer();
        expect(res.status, path).toBe(403);
      }
      const refused = await post("/manage/sessions/new", cookies, formFields());
      await refused.arrayBuffer();
      expect(refused.status).toBe(403);
    }
    const visitor = await get("/manage/sessions/new");
    await visitor.arrayBuffer();
    expect(visitor.status).toBe(302);
    expect(visitor.headers.get("location")).toBe("/login?redirectTo=%2Fmanage%2Fsessions%2Fnew");
    expect(await db().liveSession.count()).toBe(before);
  });

  it("offer only the committees the organiser may schedule for, and refuse another committee's (403)", async () => {
    const page = await (await get("/manage/sessions/new", await cookiesOf(chairA))).text();
    expect(page).toContain(`value="${committeeA}"`);
    expect(page).not.toContain(`value="${committeeB}"`);
    const all = await (await get("/manage/sessions/new", await cookiesOf(directorate))).text();
    expect(all).toContain(`value="${committeeA}"`);
    expect(all).toContain(`value="${committeeB}"`);

    const before = await db().liveSession.count();
    const res = await post("/manage/sessions/new", await cookiesOf(chairB), formFields());
    expect(res.status).toBe(403);
    expect(await res.text()).toContain(html(el.errors.forbidden));
    expect(await db().liveSession.count()).toBe(before);
  });

  it("refuse invalid input with localised errors and every typed value echoed back", async () => {
    const before = await db().liveSession.count();
    const cookies = await cookiesOf(secretaryA);
    const bad = await post(
      "/manage/sessions/new",
      cookies,
      formFields({ title: "", endsAt: "2031-03-01T17:00", onlineUrl: "javascript:alert(1)" }, [
        ["", "Πρώτο <b>θέμα</b>", "Λεπτομέρειες"],
        ["", "", "Χωρίς τίτλο"],
      ]),
    );
    expect(bad.status).toBe(400);
    const page = await bad.text();
    expect(page).toContain(html(el.errors.titleRequired));
    expect(page).toContain(html(el.errors.endsBeforeStart));
    // The first problem of the agenda is reported against its row.
    expect(page).toContain(html(el.errors.agendaTitleRequired));
    // Echoed: the dates as typed, the place, the refused link, the agenda rows in order.
    expect(page).toContain('value="2031-03-01T18:00"');
    expect(page).toContain('value="2031-03-01T17:00"');
    expect(page).toContain(`value="${html("Αίθουσα Β, Πάτρα")}"`);
    expect(page).toContain('value="javascript:alert(1)"');
    expect(page).toContain(`value="${html("Πρώτο <b>θέμα</b>")}"`);
    expect(page).toContain("Χωρίς τίτλο");
    const checked = (page.match(/<input[^>]*name="mode"[^>]*>/g) ?? []).filter((tag) =>
      tag.includes("checked"),
    );
    expect(checked).toHaveLength(1);
    expect(checked[0]).toContain('value="hybrid"');
    expect(page).not.toContain("<b>θέμα</b>");

    // The javascript: link alone is refused too (and reported in English for an English reader).
    const english = await post(
      "/manage/sessions/new",
      await cookiesOf(secretaryA, "en"),
      formFields({ onlineUrl: "javascript:alert(1)" }),
    );
    expect(english.status).toBe(400);
    const englishPage = await english.text();
    expect(englishPage).toContain(html(en.errors.urlInvalid));
    expect(englishPage).toContain(`value="${html("Συνεδρίαση για τη σίτιση")}"`);

    const notUrl = await post("/manage/sessions/new", cookies, formFields({ onlineUrl: "meet example" }));
    expect(notUrl.status).toBe(400);
    expect(await notUrl.text()).toContain(html(el.errors.urlInvalid));
    const badDate = await post("/manage/sessions/new", cookies, formFields({ startsAt: "2031-02-30T18:00" }));
    expect(badDate.status).toBe(400);
    const badDatePage = await badDate.text();
    expect(badDatePage).toContain(html(el.errors.startsAtInvalid));
    expect(badDatePage).toContain('value="2031-02-30T18:00"');

    expect(await db().liveSession.count()).toBe(before);
  });

  it("move agenda rows without JavaScript, then create, edit and cancel a session", async () => {
    const cookies = await cookiesOf(chairA);
    const moved = await post("/manage/sessions/new", cookies, [
      ...formFields({}, [
        ["", "Α θέμα", ""],
        ["", "Β θέμα", ""],
        ["", "Γ θέμα", ""],
      ]),
      ["agendaOp", "up:2"],
    ]);
    expect(moved.status).toBe(200);
    const movedPage = await moved.text();
    const order = ["Α θέμα", "Β θέμα", "Γ θέμα"].map((t) => movedPage.indexOf(`value="${html(t)}"`));
    expect(order[0]).toBeGreaterThan(0);
    expect(order[0]).toBeLessThan(order[2]);
    expect(order[2]).toBeLessThan(order[1]);
    expect(movedPage).not.toContain(html(el.errors.titleRequired));

    const created = await post("/manage/sessions/new", cookies, formFields());
    await created.arrayBuffer();
    expect(created.status).toBe(302);
    const location = created.headers.get("location") ?? "";
    expect(location).toMatch(/^\/manage\/sessions\/[0-9a-f-]{36}\?notice=created$/);
    const id = location.split("/")[3].split("?")[0];
    const row = await db().liveSession.findUniqueOrThrow({
      where: { id },
      include: { agendaItems: { orderBy: { position: "asc" } } },
    });
    // 18:00 in Athens on 1 March (winter time, UTC+2).
    expect(row.startsAt.toISOString()).toBe("2031-03-01T16:00:00.000Z");
    expect(row.endsAt?.toISOString()).toBe("2031-03-01T18:00:00.000Z");
    expect(row).toMatchObject({ mode: "hybrid", committeeId: committeeA, createdById: chairA.id });
    expect(row.agendaItems.map((a) => a.title)).toEqual(["Σίτιση στα σχολεία", "Κοινωνικά παντοπωλεία"]);

    const edit = await get(location, cookies);
    expect(edit.status).toBe(200);
    const editPage = await edit.text();
    expect(editPage).toContain(html(el.manage.notices.created));
    expect(editPage).toContain('value="2031-03-01T18:00"');

    // Another committee's chair cannot see or change it.
    const path = `/manage/sessions/${id}`;
    const strangerCookies = await cookiesOf(chairB);
    const strangerGet = await get(path, strangerCookies);
    await strangerGet.arrayBuffer();
    expect(strangerGet.status).toBe(403);
    const [first, second] = row.agendaItems;
    const stranger = await post(
      path,
      strangerCookies,
      formFields({ title: "Αλλαγμένος τίτλος" }, [[second.id, second.title, ""]]),
    );
    await stranger.arrayBuffer();
    expect(stranger.status).toBe(403);
    expect((await db().liveSession.findUniqueOrThrow({ where: { id } })).title).toBe(row.title);
    const strangerCancel = await post(path, strangerCookies, [
      ["intent", "cancel"],
      ["confirm", "on"],
    ]);
    await strangerCancel.arrayBuffer();
    expect(strangerCancel.status).toBe(403);
    expect((await db().liveSession.findUniqueOrThrow({ where: { id } })).status).toBe("scheduled");

    // The organiser reorders the agenda (ids kept) and adds an item.
    const saved = await post(
      path,
      cookies,
      formFields({ title: "Συνεδρίαση για τη σίτιση (νέα ώρα)", startsAt: "2031-07-01T10:00", endsAt: "" }, [
        [second.id, second.title, ""],
        [first.id, first.title, "Πρώτο θέμα"],
        ["", "Διάφορα", ""],
      ]),
    );
    await saved.arrayBuffer();
    expect(saved.status).toBe(302);
    expect(saved.headers.get("location")).toBe(`${path}?notice=saved`);
    const after = await db().liveSession.findUniqueOrThrow({
      where: { id },
      include: { agendaItems: { orderBy: { position: "asc" } } },
    });
    expect(after.startsAt.toISOString()).toBe("2031-07-01T07:00:00.000Z"); // summer time, UTC+3
    expect(after.endsAt).toBeNull();
    expect(after.agendaItems.map((a) => [a.id, a.title])).toEqual([
      [second.id, second.title],
      [first.id, first.title],
      [after.agendaItems[2].id, "Διάφορα"],
    ]);

    // The directorate may edit any committee's session.
    const byDirectorate = await post(
      path,
      await cookiesOf(directorate),
      formFields({ title: "Από τη Διεύθυνση" }),
    );
    await byDirectorate.arrayBuffer();
    expect(byDirectorate.status).toBe(302);

    // Cancelling needs the confirmation box.
    const unconfirmed = await post(path, cookies, [["intent", "cancel"]]);
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain(html(el.manage.confirmRequired));
    const cancelled = await post(path, cookies, [
      ["intent", "cancel"],
      ["confirm", "on"],
    ]);
    await cancelled.arrayBuffer();
    expect(cancelled.status).toBe(302);
    expect(cancelled.headers.get("location")).toBe(`${path}?notice=cancelled`);
    expect((await db().liveSession.findUniqueOrThrow({ where: { id } })).status).toBe("cancelled");
    const readOnly = await (await get(`${path}?notice=cancelled`, cookies)).text();
    expect(readOnly).toContain(html(el.manage.notices.cancelled));
    expect(readOnly).not.toContain('name="agendaTitle"');
    expect(await (await get("/sessions")).text()).not.toContain(id);

    const list = await get("/manage/sessions", cookies);
    expect(list.status).toBe(200);
    const listPage = await list.text();
    expect(listPage).toContain(html(el.manage.title));
    expect(listPage).toContain(`href="/manage/sessions/${id}"`);
  });
});
