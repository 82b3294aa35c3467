/**
 * The pages around live sessions that are not the live room: the public calendar (upcoming and past), the
 * scheduling forms (reading the form, the choices an organiser has, a session to edit) and the reminders
 * that follow a registered interest (in-app notification + e-mail through the outbox, exactly once).
 * Scheduling itself (create, update, cancel) and the claim of due reminders live in sessions.server.ts.
 */
import { hasRole, type Actor } from "~/domain/accounts/policy.ts";
import { athensLocalToUtc } from "~/domain/consultations/consultations.schema.ts";
import { deterministicId, unreadCounts } from "~/domain/notifications/notifications.server.ts";
import { addOutboxEvent } from "~/domain/outbox/outbox.server.ts";
import type { Prisma } from "~/generated/prisma/client.ts";
import { createT, formatDateTime, isLocale, type Locale } from "~/i18n/i18n.ts";
import type { Db, DbOrTx } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { Forbidden, Invalid, NotFound } from "~/utils/errors.server.ts";
import { canSession } from "./sessions.policy.ts";
import { SESSION_MODES, type SessionModeName } from "./sessions.schema.ts";
import { claimDueReminders, listUpcomingSessions, type SessionFields } from "./sessions.server.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A scheduled session stays "upcoming" this long after its start (as in listUpcomingSessions). */
const GRACE_MS = 12 * 3600_000;
export const PAST_PER_PAGE = 20;

export type CalendarTab = "upcoming" | "past";

export interface CalendarFilter {
  tab?: string | null;
  committeeId?: string | null;
  consultationId?: string | null;
  mode?: string | null;
  page?: string | number | null;
  now?: Date;
}

function cleanId(value: string | null | undefined): string | undefined {
  return value && UUID.test(value) ? value : undefined;
}

/**
 * The public calendar. Upcoming: what `listUpcomingSessions` says (live and scheduled ones, soonest first;
 * cancelled ones are not listed). Past: sessions that ended, and scheduled or cancelled ones whose date has
 * gone by, newest first, a page at a time.
 */
export async function listCalendar(db: DbOrTx, filter: CalendarFilter = {}) {
  const now = filter.now ?? new Date();
  const tab: CalendarTab = filter.tab === "past" ? "past" : "upcoming";
  const committeeId = cleanId(filter.committeeId);
  const consultationId = cleanId(filter.consultationId);
  const mode = SESSION_MODES.find((m) => m === filter.mode);
  const pageNumber = Math.max(1, Math.min(10_000, Math.floor(Number(filter.page) || 1)));

  const [committees, consultations] = await Promise.all([
    db.committee.findMany({
      where: { liveSessions: { some: {} } },
      select: { id: true, name: true },
      orderBy: { name: "asc" },
    }),
    db.consultation.findMany({
      where: { liveSessions: { some: {} }, phase: { not: "draft" } },
      select: { id: true, title: true },
      orderBy: { title: "asc" },
    }),
  ]);
  const options = { committees, consultations };
  const applied = { tab, committeeId, consultationId, mode, page: pageNumber };

  if (tab === "upcoming") {
    const rows = await listUpcomingSessions(db, { now, committeeId, consultationId, limit: 200 });
    const sessions = rows
      .filter((s) => !mode || s.mode === mode)
      .map((s) => ({ ...s, consultation: publicConsultation(s.consultation) }));
    return { sessions, total: sessions.length, pages: 1, filter: applied, options };
  }

  const where: Prisma.LiveSessionWhereInput = {
    ...(committeeId ? { committeeId } : {}),
    ...(consultationId ? { consultationId } : {}),
    ...(mode ? { mode } : {}),
    OR: [
      { status: "ended" },
      { status: { in: ["scheduled", "cancelled"] }, startsAt: { lt: new Date(now.getTime() - GRACE_MS) } },
    ],
  };
  const [total, rows] = await Promise.all([
    db.liveSession.count({ where }),
    db.liveSession.findMany({
      where,
      orderBy: [{ startsAt: "desc" }, { id: "desc" }],
      skip: (pageNumber - 1) * PAST_PER_PAGE,
      take: PAST_PER_PAGE,
      select: {
        id: true,
        title: true,
        startsAt: true,
        endsAt: true,
        place: true,
        onlineUrl: true,
        mode: true,
        status: true,
        committee: { select: { id: true, name: true } },
        consultation: { select: { id: true, slug: true, title: true, phase: true } },
        _count: { select: { interests: true } },
      },
    }),
  ]);
  const sessions = rows.map(({ _count, ...s }) => ({
    ...s,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt?.toISOString() ?? null,
    consultation: publicConsultation(s.consultation),
    interestCount: _count.interests,
  }));
  return {
    sessions,
    total,
    pages: Math.max(1, Math.ceil(total / PAST_PER_PAGE)),
    filter: applied,
    options,
  };
}
export type CalendarSession = Awaited<ReturnType<typeof listCalendar>>["sessions"][number];

/** A linked consultation is shown only once it is public (a draft's title is not for visitors). */
function publicConsultation(c: { id: string; slug: string; title: string; phase?: string } | null) {
  if (!c || c.phase === "draft") return null;
  return { id: c.id, slug: c.slug, title: c.title };
}

// ───────────────────────────── Scheduling forms ─────────────────────────────

function schedulesEverything(actor: Actor): boolean {
  return hasRole(actor, "directorate") || hasRole(actor, "admin");
}

/** Whether the actor may open the scheduling pages at all (an officer of some committee, or the directorate). */
export function canScheduleAny(actor: Actor): boolean {
  if (!actor) return false;
  return (
    schedulesEverything(actor) || actor.committees.some((c) => c.role === "chair" || c.role === "secretary")
  );
}

/** The committees the actor may schedule for: all of them for the directorate, else those they chair or keep. */
export async function schedulableCommittees(db: DbOrTx, actor: Actor) {
  if (!actor) return [];
  const all = await db.committee.findMany({
    where: schedulesEverything(actor) ? {} : { id: { in: actor.committees.map((c) => c.committeeId) } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  return all.filter((c) => canSession(actor, "session.schedule", { committeeId: c.id }));
}

/** What the scheduling form offers: the actor's committees and the consultations a session may follow. */
export async function getSessionFormOptions(db: DbOrTx, actor: Actor) {
  const [committees, consultations] = await Promise.all([
    schedulableCommittees(db, actor),
    db.consultation.findMany({
      // Drafts are the directorate's work in progress: only they may link a session to one.
      where: schedulesEverything(actor) ? {} : { phase: { not: "draft" } },
      select: { id: true, title: true, phase: true },
      orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      take: 300,
    }),
  ]);
  return { committees, consultations };
}
export type SessionFormOptions = Awaited<ReturnType<typeof getSessionFormOptions>>;

/** The sessions an organiser manages (their committees', or all for the directorate), newest first. */
export async function listManagedSessions(db: DbOrTx, actor: Actor, filter: { status?: string | null } = {}) {
  if (!actor) return { sessions: [], status: null };
  const statuses = ["scheduled", "live", "ended", "cancelled"] as const;
  const status = statuses.find((s) => s === filter.status) ?? null;
  const committees = await schedulableCommittees(db, actor);
  const rows = await db.liveSession.findMany({
    where: {
      committeeId: { in: committees.map((c) => c.id) },
      ...(status ? { status } : {}),
    },
    orderBy: [{ startsAt: "desc" }, { id: "desc" }],
    take: 300,
    select: {
      id: true,
      title: true,
      startsAt: true,
      mode: true,
      status: true,
      committee: { select: { id: true, name: true } },
      _count: { select: { interests: true, agendaItems: true } },
    },
  });
  return {
    status,
    sessions: rows.map(({ _count, ...s }) => ({
      ...s,
      startsAt: s.startsAt.toISOString(),
      interestCount: _count.interests,
      agendaCount: _count.agendaItems,
    })),
  };
}

/** A session as its edit form needs it; refuses (403) an actor who may not schedule for its committee. */
export async function getSessionForEdit(db: DbOrTx, actor: Actor, sessionId: string) {
  if (!UUID.test(sessionId)) throw new NotFound("sessions.errors.notFound");
  const s = await db.liveSession.findUnique({
    where: { id: sessionId },
    select: {
      id: true,
      title: true,
      description: true,
      committeeId: true,
      consultationId: true,
      startsAt: true,
      endsAt: true,
      place: true,
      onlineUrl: true,
      mode: true,
      status: true,
      preModerateQuestions: true,
      committee: { select: { name: true } },
      agendaItems: {
        select: { id: true, title: true, description: true },
        orderBy: { position: "asc" },
      },
    },
  });
  if (!s) throw new NotFound("sessions.errors.notFound");
  if (!canSession(actor, "session.schedule", { committeeId: s.committeeId })) {
    throw new Forbidden("sessions.errors.forbidden");
  }
  return {
    ...s,
    startsAt: s.startsAt.toISOString(),
    endsAt: s.endsAt?.toISOString() ?? null,
  };
}

export interface AgendaRow {
  id: string;
  title: string;
  description: string;
}

/** The form's fields as typed, to show again after a refusal (the agenda as JSON). */
export type SessionFormValues = Record<string, string>;

function formString(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}

function formStrings(form: FormData, name: string): string[] {
  return form.getAll(name).map((v) => (typeof v === "string" ? v : ""));
}

/** The agenda rows of the form: parallel `agendaId`/`agendaTitle`/`agendaDescription` fields. */
export function readAgendaRows(form: FormData): AgendaRow[] {
  const ids = formStrings(form, "agendaId");
  const titles = formStrings(form, "agendaTitle");
  const descriptions = formStrings(form, "agendaDescription");
  const n = Math.min(Math.max(titles.length, ids.length, descriptions.length), 100);
  const rows: AgendaRow[] = [];
  for (let i = 0; i < n; i++) {
    rows.push({ id: ids[i] ?? "", title: titles[i] ?? "", description: descriptions[i] ?? "" });
  }
  return rows;
}

/** Changes the agenda rows as an "add / remove / up / down" button asks (the no-JavaScript path). */
export function applyAgendaOp(rows: AgendaRow[], op: string): AgendaRow[] {
  const m = /^(add|remove|up|down)(?::(\d{1,3}))?$/.exec(op);
  if (!m) return rows;
  const next = [...rows];
  const i = Number(m[2] ?? -1);
  switch (m[1]) {
    case "add":
      next.push({ id: "", title: "", description: "" });
      break;
    case "remove":
      if (i >= 0 && i < next.length) next.splice(i, 1);
      break;
    case "up":
      if (i > 0 && i < next.length) [next[i - 1], next[i]] = [next[i], next[i - 1]];
      break;
    case "down":
      if (i >= 0 && i < next.length - 1) [next[i], next[i + 1]] = [next[i + 1], next[i]];
      break;
  }
  return next;
}

/** A datetime-local value in Athens time as an ISO instant; what cannot be a date stays invalid. */
function athensInstant(value: string): string {
  const v = value.trim();
  if (!v) return "";
  return athensLocalToUtc(v)?.toISOString() ?? "invalid";
}

/**
 * Reads the scheduling form: the fields for createSession/updateSession (times from Athens wall-clock to
 * UTC; empty agenda rows left out) and every typed value to show again if it is refused.
 */
export function readSessionForm(form: FormData): {
  fields: SessionFields;
  values: SessionFormValues;
  rows: AgendaRow[];
} {
  const plain = [
    "title",
    "description",
    "committeeId",
    "consultationId",
    "startsAt",
    "endsAt",
    "place",
    "onlineUrl",
    "mode",
  ] as const;
  const values: SessionFormValues = Object.fromEntries(plain.map((f) => [f, formString(form, f)]));
  values.preModerateQuestions = formString(form, "preModerateQuestions") === "on" ? "on" : "";
  const rows = readAgendaRows(form);
  values.agenda = JSON.stringify(rows);
  const agenda = rows
    .filter((r) => r.id || r.title.trim() || r.description.trim())
    .map((r) => ({ ...(r.id ? { id: r.id } : {}), title: r.title, description: r.description }));
  const fields: SessionFields = {
    title: values.title,
    description: values.description,
    committeeId: values.committeeId,
    consultationId: values.consultationId,
    startsAt: athensInstant(values.startsAt) || undefined,
    endsAt: athensInstant(values.endsAt),
    place: values.place,
    onlineUrl: values.onlineUrl,
    mode: values.mode || undefined,
    preModerateQuestions: values.preModerateQuestions,
    agenda,
  };
  return { fields, values, rows };
}

/**
 * The schema checks the dates and the place/link rules only once every field has passed: a form with a
 * missing title would report them on the next try. This adds those errors at once, so the organiser sees
 * every problem in one go (the domain's own keys; its errors win where both speak).
 */
export function completeSessionErrors(error: unknown, fields: SessionFields): unknown {
  if (!(error instanceof Invalid) || Object.keys(error.fieldErrors).length === 0) return error;
  const text = (v: unknown) => (typeof v === "string" ? v.trim() : "");
  const extra: Record<string, string> = {};
  const startText = text(fields.startsAt);
  const start = startText ? new Date(startText) : null;
  const startOk = !!start && !Number.isNaN(start.getTime());
  if (!startText) extra.startsAt = "sessions.errors.startsAtRequired";
  else if (!startOk) extra.startsAt = "sessions.errors.startsAtInvalid";
  const endText = text(fields.endsAt);
  if (endText) {
    const end = new Date(endText);
    if (Number.isNaN(end.getTime()) || (startOk && end.getTime() <= start.getTime())) {
      extra.endsAt = "sessions.errors.endsBeforeStart";
    }
  }
  const mode = text(fields.mode);
  if ((mode === "in_person" || mode === "hybrid") && !text(fields.place)) {
    extra.place = "sessions.errors.placeRequired";
  }
  if ((mode === "online" || mode === "hybrid") && !text(fields.onlineUrl)) {
    extra.onlineUrl = "sessions.errors.urlRequired";
  }
  return new Invalid({ ...extra, ...error.fieldErrors }, error.messageKey);
}

/** Agenda rows from echoed values (JSON), or null when there are none. */
export function agendaFromValues(values: Record<string, string> | undefined): AgendaRow[] | null {
  if (!values?.agenda) return null;
  try {
    const parsed: unknown = JSON.parse(values.agenda);
    if (!Array.isArray(parsed)) return null;
    return parsed.map((r: Partial<AgendaRow>) => ({
      id: typeof r?.id === "string" ? r.id : "",
      title: typeof r?.title === "string" ? r.title : "",
      description: typeof r?.description === "string" ? r.description : "",
    }));
  } catch {
    return null;
  }
}

export function isSessionMode(value: string): value is SessionModeName {
  return (SESSION_MODES as readonly string[]).includes(value);
}

// ───────────────────────────── Reminders ─────────────────────────────

export interface ReminderResult {
  /** Interests reminded in this run. */
  reminded: number;
  /** E-mails written to the outbox in this run. */
  mails: number;
  /** Notifications written, for live delivery after the commit. */
  notifications: { id: string; userId: string; unread: number }[];
}

/** How long before a session its interested participants are reminded (the domain's claim default). */
export const REMINDER_LEAD_MINUTES = 24 * 60;

/**
 * Reminds everyone whose interest is due (see claimDueReminders): an in-app notification and, for a
 * confirmed address, an e-mail through the outbox. The claim, the notifications and the e-mails are one
 * transaction: a failed run reminds nobody and the next run tries again; a run that succeeded has marked
 * the interests, so no one is reminded twice. Notification ids and outbox keys are deterministic too.
 */
export async function sendSessionReminders(
  db: Db,
  opts: { now?: Date; leadMinutes?: number; appUrl?: string; limit?: number } = {},
): Promise<ReminderResult> {
  const now = opts.now ?? new Date();
  const baseUrl = (opts.appUrl ?? getEnv().APP_URL).replace(/\/+$/, "");
  const result = await db.$transaction(
    async (tx) => {
      const due = await claimDueReminders(tx, {
        now,
        leadMinutes: opts.leadMinutes ?? REMINDER_LEAD_MINUTES,
        limit: opts.limit,
      });
      if (due.length === 0) return { reminded: 0, mails: 0, created: [] as { id: string; userId: string }[] };
      const sessionIds = [...new Set(due.map((d) => d.sessionId))];
      const userIds = [...new Set(due.map((d) => d.userId))];
      const sessions = await tx.liveSession.findMany({
        where: { id: { in: sessionIds } },
        select: {
          id: true,
          title: true,
          startsAt: true,
          place: true,
          onlineUrl: true,
          mode: true,
          committee: { select: { name: true } },
        },
      });
      const users = await tx.user.findMany({
        where: { id: { in: userIds }, erasedAt: null },
        select: { id: true, email: true, displayName: true, locale: true, emailVerifiedAt: true },
      });
      const sessionById = new Map(sessions.map((s) => [s.id, s]));
      const userById = new Map(users.map((u) => [u.id, u]));
      const created: { id: string; userId: string }[] = [];
      let mails = 0;
      for (const { sessionId, userId } of due) {
        const s = sessionById.get(sessionId);
        const u = userById.get(userId);
        if (!s || !u) continue;
        const path = `/sessions/${s.id}`;
        const id = deterministicId(`session.reminder:${s.id}`, u.id);
        const rows = await tx.notification.createManyAndReturn({
          data: [
            {
              id,
              userId: u.id,
              type: "session_reminder",
              payload: { url: path, title: s.title } satisfies Prisma.InputJsonObject,
              createdAt: now,
            },
          ],
          skipDuplicates: true,
          select: { id: true, userId: true },
        });
        created.push(...rows);
        if (!u.emailVerifiedAt) continue;
        const locale: Locale = isLocale(u.locale) ? u.locale : "el";
        const t = createT(locale);
        const where = [
          s.place ? t("sessions.reminder.place", { place: s.place }) : "",
          s.onlineUrl ? t("sessions.reminder.online", { url: s.onlineUrl }) : "",
        ]
          .filter(Boolean)
          .join(" ");
        const written = await addOutboxEvent(tx, {
          key: `mail:session-reminder-${s.id}-${u.id}`,
          queue: "mail",
          name: "send",
          payload: {
            to: u.email,
            locale,
            template: "session_reminder",
            params: {
              displayName: u.displayName,
              title: s.title,
              committee: s.committee.name,
              when: formatDateTime(locale, s.startsAt),
              mode: t(`sessions.modes.${s.mode}`),
              where: where || t(`sessions.modes.${s.mode}`),
              url: `${baseUrl}${path}`,
              icsUrl: `${baseUrl}${path}/ics`,
            },
          },
        });
        if (written) mails += 1;
      }
      return { reminded: due.length, mails, created };
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
  const unread = await unreadCounts(
    db,
    result.created.map((n) => n.userId),
  );
  return {
    reminded: result.reminded,
    mails: result.mails,
    notifications: result.created.map((n) => ({ ...n, unread: unread.get(n.userId) ?? 0 })),
  };
}
