/**
 * The demo seed schedules two upcoming committee sessions for the calendar: a hybrid one with an agenda,
 * linked to a public consultation, and an online one; both are listed as upcoming.
 */
import { expect, it } from "vitest";
import { listUpcomingSessions } from "~/domain/sessions/sessions.server.ts";
import { seed } from "../../../prisma/seed.ts";
import { useTestDatabase } from "../../helpers/db.ts";

const testDb = useTestDatabase();

it("seeds two upcoming sessions, one hybrid with an agenda", async () => {
  const db = testDb().prisma;
  await seed(db);
  const upcoming = await listUpcomingSessions(db);
  expect(upcoming.map((s) => s.mode).sort()).toEqual(["hybrid", "online"]);
  const hybrid = await db.liveSession.findFirstOrThrow({
    where: { mode: "hybrid" },
    include: {
      agendaItems: { orderBy: { position: "asc" } },
      consultation: true,
      committee: { include: { members: true } },
    },
  });
  expect(hybrid.agendaItems.length).toBeGreaterThanOrEqual(2);
  expect(hybrid.place).toBeTruthy();
  expect(hybrid.onlineUrl).toMatch(/^https:\/\//);
  expect(hybrid.consultation?.phase).not.toBe("draft");
  expect(hybrid.committee.members.map((m) => m.role).sort()).toEqual(["chair", "member", "secretary"]);
  expect(hybrid.startsAt.getTime()).toBeGreaterThan(Date.now());
});
