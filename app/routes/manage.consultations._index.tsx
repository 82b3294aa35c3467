import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { PHASES } from "~/domain/consultations/consultations.schema.ts";
import { listManagedConsultations } from "~/domain/consultations/manage.server.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "manage.list.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCan(request, "consultation.manage");
  const url = new URL(request.url);
  return listManagedConsultations(getDb(), { phase: url.searchParams.get("phase") });
}

export default function ManageConsultations() {
  const t = useT();
  const locale = useLocale();
  const { consultations, phaseCounts, phase } = useLoaderData<typeof loader>();
  const total = Object.values(phaseCounts).reduce((a, b) => a + b, 0);
  return (
    <div className="stack manage">
      <div className="manage-heading">
        <h1>{t("manage.list.title")}</h1>
        <Link to="/manage/consultations/new" className="button primary">
          {t("manage.list.new")}
        </Link>
      </div>
      <nav aria-label={t("manage.list.byPhase")}>
        <ul className="plain manage-chips">
          <li>
            <Link to="/manage/consultations" aria-current={!phase ? "page" : undefined}>
              {t("manage.list.all", { count: total })}
            </Link>
          </li>
          {PHASES.map((p) => (
            <li key={p}>
              <Link to={`/manage/consultations?phase=${p}`} aria-current={phase === p ? "page" : undefined}>
                {t("manage.list.phaseCount", { phase: t(`phases.${p}`), count: phaseCounts[p] })}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {consultations.length === 0 ? (
        <p>{t("manage.list.empty")}</p>
      ) : (
        <div className="table-scroll">
          <table className="manage-table">
            <caption className="manage-sr-only">{t("manage.list.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("manage.list.columns.title")}</th>
                <th scope="col">{t("manage.list.columns.phase")}</th>
                <th scope="col">{t("manage.list.columns.dates")}</th>
                <th scope="col">{t("manage.list.columns.articles")}</th>
                <th scope="col">{t("manage.list.columns.submissions")}</th>
                <th scope="col">{t("manage.list.columns.actions")}</th>
              </tr>
            </thead>
            <tbody>
              {consultations.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link to={`/manage/consultations/${c.id}`}>{c.title}</Link>
                  </th>
                  <td>
                    <span className={`badge phase-${c.phase}`}>{t(`phases.${c.phase}`)}</span>
                    {c.scheduled ? (
                      <span className="muted manage-scheduled">{t("manage.list.scheduled")}</span>
                    ) : null}
                  </td>
                  <td>
                    {c.opensAt ? (
                      <span className="manage-date">
                        {t("manage.list.opens", { date: formatDateTime(locale, c.opensAt) })}
                      </span>
                    ) : null}
                    {c.closesAt ? (
                      <span className="manage-date">
                        {t("manage.list.closes", { date: formatDateTime(locale, c.closesAt) })}
                      </span>
                    ) : null}
                    {!c.opensAt && !c.closesAt ? (
                      <span className="muted">{t("manage.list.noDates")}</span>
                    ) : null}
                  </td>
                  <td>{c.articleCount}</td>
                  <td>{c.submissionCount}</td>
                  <td>
                    <ul className="plain manage-actions">
                      <li>
                        <Link
                          to={`/manage/consultations/${c.id}`}
                          aria-label={t("manage.list.editOf", { title: c.title })}
                        >
                          {t("manage.list.edit")}
                        </Link>
                      </li>
                      <li>
                        <Link
                          to={`/manage/consultations/${c.id}/articles`}
                          aria-label={t("manage.list.articlesOf", { title: c.title })}
                        >
                          {t("manage.list.articles")}
                        </Link>
                      </li>
                      {c.phase !== "draft" ? (
                        <li>
                          <Link
                            to={`/consultations/${c.slug}`}
                            aria-label={t("manage.list.publicOf", { title: c.title })}
                          >
                            {t("manage.list.public")}
                          </Link>
                        </li>
                      ) : null}
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
