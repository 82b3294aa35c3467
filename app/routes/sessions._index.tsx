/**
 * The public calendar of committee sessions: upcoming ones grouped by month and day (Athens time), filters by
 * committee, consultation and mode (a GET form, so links can be shared), and the past sessions a page at a
 * time.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { FilterSelect } from "~/components/filter-select.tsx";
import { Pagination } from "~/components/pagination.tsx";
import { sessionStylesLink, useSessionDates } from "~/components/session-schedule.tsx";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { utcToAthensLocal } from "~/domain/consultations/consultations.schema.ts";
import { canScheduleAny, listCalendar, type CalendarSession } from "~/domain/sessions/calendar.server.ts";
import { SESSION_MODES } from "~/domain/sessions/sessions.schema.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "sessions.calendar.title");
export const links: LinksFunction = () => [sessionStylesLink];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const q = (name: string) => url.searchParams.get(name);
  const [user, calendar] = await Promise.all([
    getUser(request),
    listCalendar(getDb(), {
      tab: q("tab"),
      committeeId: q("committee"),
      consultationId: q("consultation"),
      mode: q("mode"),
      page: q("page"),
    }),
  ]);
  return { ...calendar, canSchedule: canScheduleAny(user) };
}

interface DayGroup {
  key: string;
  first: string;
  sessions: CalendarSession[];
}
interface MonthGroup {
  key: string;
  first: string;
  days: DayGroup[];
}

/** Groups sessions (already in order) by Athens month and day. */
function groupByMonthAndDay(sessions: CalendarSession[]): MonthGroup[] {
  const months: MonthGroup[] = [];
  for (const s of sessions) {
    const local = utcToAthensLocal(s.startsAt);
    const monthKey = local.slice(0, 7);
    const dayKey = local.slice(0, 10);
    let month = months.at(-1);
    if (!month || month.key !== monthKey) {
      month = { key: monthKey, first: s.startsAt, days: [] };
      months.push(month);
    }
    let day = month.days.at(-1);
    if (!day || day.key !== dayKey) {
      day = { key: dayKey, first: s.startsAt, sessions: [] };
      month.days.push(day);
    }
    day.sessions.push(s);
  }
  return months;
}

function SessionItem({ s }: { s: CalendarSession }) {
  const t = useT();
  const dates = useSessionDates();
  return (
    <li className="card session-item">
      <p className="session-time">
        <time dateTime={s.startsAt}>{dates.time(s.startsAt)}</time>
        {s.endsAt ? (
          <>
            {" – "}
            <time dateTime={s.endsAt}>{dates.time(s.endsAt)}</time>
          </>
        ) : null}
      </p>
      <div className="stack">
        <h4>
          <Link to={`/sessions/${s.id}`}>{s.title}</Link>
        </h4>
        <p className="meta">
          {s.committee.name}
          {s.consultation ? (
            <>
              {" · "}
              <Link to={`/consultations/${s.consultation.slug}`}>{s.consultation.title}</Link>
            </>
          ) : null}
        </p>
        <p>
          <span className={`badge session-mode mode-${s.mode}`}>{t(`sessions.modes.${s.mode}`)}</span>{" "}
          {s.status !== "scheduled" ? (
            <span className={`badge session-status status-${s.status}`}>
              {t(`sessions.statuses.${s.status}`)}
            </span>
          ) : null}
          {s.place ? <span className="session-place"> {s.place}</span> : null}
        </p>
        <ul className="plain session-list-actions">
          {s.status !== "cancelled" && s.status !== "ended" ? (
            <li>
              <a href={`/sessions/${s.id}/ics`} download>
                {t("sessions.schedule.ics")}
                <span className="visually-hidden">{t("sessions.calendar.icsOf", { title: s.title })}</span>
              </a>
            </li>
          ) : null}
          {s.interestCount > 0 ? (
            <li className="muted">{t("sessions.interest.count", { count: s.interestCount })}</li>
          ) : null}
        </ul>
      </div>
    </li>
  );
}

export default function SessionsCalendar() {
  const t = useT();
  const locale = useLocale();
  const { sessions, filter, options, pages, total, canSchedule } = useLoaderData<typeof loader>();
  const months = groupByMonthAndDay(sessions);
  const tabHref = (tab: "upcoming" | "past") => {
    const params = new URLSearchParams();
    if (tab === "past") params.set("tab", "past");
    if (filter.committeeId) params.set("committee", filter.committeeId);
    if (filter.consultationId) params.set("consultation", filter.consultationId);
    if (filter.mode) params.set("mode", filter.mode);
    const qs = params.toString();
    return `/sessions${qs ? `?${qs}` : ""}`;
  };
  const past = filter.tab === "past";
  return (
    <div className="stack sessions-calendar">
      <div className="manage-heading">
        <h1>{t("sessions.calendar.title")}</h1>
        {canSchedule ? (
          <Link to="/manage/sessions" className="button">
            {t("sessions.calendar.manage")}
          </Link>
        ) : null}
      </div>
      <p className="lead">{t("sessions.calendar.intro")}</p>
      <nav aria-label={t("sessions.calendar.tabs")}>
        <ul className="plain session-tabs">
          <li>
            <Link to={tabHref("upcoming")} aria-current={!past ? "page" : undefined}>
              {t("sessions.calendar.upcoming")}
            </Link>
          </li>
          <li>
            <Link to={tabHref("past")} aria-current={past ? "page" : undefined}>
              {t("sessions.calendar.past")}
            </Link>
          </li>
        </ul>
      </nav>
      <Form method="get" className="session-filters" aria-label={t("sessions.calendar.filters")}>
        {past ? <input type="hidden" name="tab" value="past" /> : null}
        <FilterSelect
          id="filter-committee"
          name="committee"
          label={t("sessions.calendar.committee")}
          value={filter.committeeId}
          options={options.committees.map((c) => ({ value: c.id, label: c.name }))}
        />
        <FilterSelect
          id="filter-consultation"
          name="consultation"
          label={t("sessions.calendar.consultation")}
          value={filter.consultationId}
          options={options.consultations.map((c) => ({ value: c.id, label: c.title }))}
        />
        <FilterSelect
          id="filter-mode"
          name="mode"
          label={t("sessions.calendar.mode")}
          value={filter.mode}
          options={SESSION_MODES.map((m) => ({ value: m, label: t(`sessions.modes.${m}`) }))}
        />
        <p>
          <button type="submit" className="button">
            {t("sessions.calendar.apply")}
          </button>
        </p>
      </Form>
      <p role="status" className="muted">
        {t(past ? "sessions.calendar.countPast" : "sessions.calendar.countUpcoming", { count: total })}{" "}
        {t("sessions.calendar.athensNote")}
      </p>
      {sessions.length === 0 ? (
        <p>{t(past ? "sessions.calendar.emptyPast" : "sessions.calendar.empty")}</p>
      ) : (
        months.map((month) => (
          <section key={month.key} className="session-month" aria-labelledby={`month-${month.key}`}>
            <h2 id={`month-${month.key}`}>
              {formatDate(locale, month.first, { month: "long", year: "numeric" })}
            </h2>
            {month.days.map((day) => (
              <section key={day.key} aria-labelledby={`day-${day.key}`}>
                <h3 id={`day-${day.key}`} className="session-day">
                  <time dateTime={day.key}>
                    {formatDate(locale, day.first, { weekday: "long", day: "numeric", month: "long" })}
                  </time>
                </h3>
                <ul className="plain session-list">
                  {day.sessions.map((s) => (
                    <SessionItem key={s.id} s={s} />
                  ))}
                </ul>
              </section>
            ))}
          </section>
        ))
      )}
      {past ? <Pagination page={filter.page} pages={pages} /> : null}
    </div>
  );
}
