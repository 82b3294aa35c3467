/**
 * /manage/sessions: the sessions an organiser may schedule (their committees', or every committee's for the
 * directorate), newest first, with links to edit them and to their public pages.
 */
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { sessionStylesLink } from "~/components/session-schedule.tsx";
import { forbidden, requireUser } from "~/domain/accounts/auth.server.ts";
import { canScheduleAny, listManagedSessions } from "~/domain/sessions/calendar.server.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "sessions.manage.title");
export const links: LinksFunction = () => [sessionStylesLink];

const STATUSES = ["scheduled", "live", "ended", "cancelled"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canScheduleAny(user)) throw forbidden("sessions.errors.forbidden");
  const status = new URL(request.url).searchParams.get("status");
  return listManagedSessions(getDb(), user, { status });
}

export default function ManageSessions() {
  const t = useT();
  const locale = useLocale();
  const { sessions, status } = useLoaderData<typeof loader>();
  return (
    <div className="stack manage">
      <div className="manage-heading">
        <h1>{t("sessions.manage.title")}</h1>
        <Link to="/manage/sessions/new" className="button primary">
          {t("sessions.manage.new")}
        </Link>
      </div>
      <p>
        <Link to="/sessions">{t("sessions.manage.calendarLink")}</Link>
      </p>
      <nav aria-label={t("sessions.manage.byStatus")}>
        <ul className="plain manage-chips">
          <li>
            <Link to="/manage/sessions" aria-current={!status ? "page" : undefined}>
              {t("sessions.manage.all")}
            </Link>
          </li>
          {STATUSES.map((s) => (
            <li key={s}>
              <Link to={`/manage/sessions?status=${s}`} aria-current={status === s ? "page" : undefined}>
                {t(`sessions.statuses.${s}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {sessions.length === 0 ? (
        <p>{t("sessions.manage.empty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="manage-table">
            <caption className="manage-sr-only">{t("sessions.manage.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("sessions.manage.columns.title")}</th>
                <th scope="col">{t("sessions.manage.columns.committee")}</th>
                <th scope="col">{t("sessions.manage.columns.when")}</th>
                <th scope="col">{t("sessions.manage.columns.status")}</th>
                <th scope="col">{t("sessions.manage.columns.interest")}</th>
                <th scope="col">{t("sessions.manage.columns.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row">
                    <Link to={`/manage/sessions/${s.id}`}>{s.title}</Link>
                  </th>
                  <td>{s.committee.name}</td>
                  <td>
                    <span className="manage-date">{formatDateTime(locale, s.startsAt)}</span>
                    <span className="muted manage-date">{t(`sessions.modes.${s.mode}`)}</span>
                  </td>
                  <td>
                    <span className={`badge session-status status-${s.status}`}>
                      {t(`sessions.statuses.${s.status}`)}
                    </span>
                  </td>
                  <td>{s.interestCount}</td>
                  <td>
                    <ul className="plain manage-actions">
                      <li>
                        <Link
                          to={`/manage/sessions/${s.id}`}
                          aria-label={t(
                            s.status === "scheduled" ? "sessions.manage.editOf" : "sessions.manage.viewOf",
                            { title: s.title },
                          )}
                        >
                          {s.status === "scheduled" ? t("sessions.manage.edit") : t("sessions.manage.view")}
                        </Link>
                      </li>
                      <li>
                        <Link
                          to={`/sessions/${s.id}`}
                          aria-label={t("sessions.manage.publicOf", { title: s.title })}
                        >
                          {t("sessions.manage.public")}
                        </Link>
                      </li>
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
