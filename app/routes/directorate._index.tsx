/**
 * /directorate: the Directorate's prioritised input across consultations, best first (ties by id), filtered
 * by consultation, theme, target group, municipality, kind and urgency (GET form, so filters live in the
 * URL), with CSV and JSON exports of exactly what the filters select.
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { FilterSelect } from "~/components/filter-select.tsx";
import { Pagination } from "~/components/pagination.tsx";
import { points } from "~/components/priority-explanation.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { DIRECTORATE_KINDS } from "~/domain/priority/priority.schema.ts";
import {
  directorateList,
  directorateOptions,
  parseDirectorateQuery,
} from "~/domain/priority/priority.server.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "priority.directorate.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCan(request, "directorate.access");
  const db = getDb();
  const options = await directorateOptions(db);
  const url = new URL(request.url);
  try {
    const query = parseDirectorateQuery(url.searchParams, options);
    const list = await directorateList(db, query);
    return { options, query, list };
  } catch (error) {
    throwAsResponse(error);
  }
}

export default function DirectorateView() {
  const t = useT();
  const locale = useLocale();
  const location = useLocation();
  const { options, query: q, list } = useLoaderData<typeof loader>();
  const name = (o: { nameEl: string; nameEn: string }) => (locale === "en" ? o.nameEn : o.nameEl);
  const themeName = new Map(options.themes.map((o) => [o.key, name(o)]));
  const municipalityName = new Map(options.municipalities.map((o) => [o.id, name(o)]));
  // The exports take the same filters (the page number aside).
  const exportParams = new URLSearchParams(location.search);
  exportParams.delete("page");
  const exportHref = (format: string) => {
    const p = new URLSearchParams(exportParams);
    p.set("format", format);
    return `/directorate/export?${p}`;
  };
  return (
    <div className="stack manage">
      <h1>{t("priority.directorate.title")}</h1>
      <p>{t("priority.directorate.intro")}</p>
      <Form method="get" className="filters card" aria-labelledby="filters-title">
        <h2 id="filters-title">{t("priority.directorate.filters")}</h2>
        <div className="filter-grid">
          <FilterSelect
            id="f-consultation"
            name="consultation"
            label={t("priority.directorate.consultation")}
            value={q.consultation}
            options={options.consultations.map((c) => ({ value: c.id, label: c.title }))}
          />
          <FilterSelect
            id="f-theme"
            name="theme"
            label={t("priority.directorate.theme")}
            value={q.theme}
            options={options.themes.map((o) => ({ value: o.key, label: name(o) }))}
          />
          <FilterSelect
            id="f-group"
            name="group"
            label={t("priority.directorate.group")}
            value={q.group}
            options={options.targetGroups.map((o) => ({ value: o.key, label: name(o) }))}
          />
          <FilterSelect
            id="f-municipality"
            name="municipality"
            label={t("priority.directorate.municipality")}
            value={q.municipality}
            options={options.municipalities.map((o) => ({ value: o.id, label: name(o) }))}
          />
          <FilterSelect
            id="f-kind"
            name="kind"
            label={t("priority.directorate.kind")}
            value={q.kind}
            options={DIRECTORATE_KINDS.map((k) => ({ value: k, label: t(`submissions.kinds.${k}`) }))}
          />
          <FilterSelect
            id="f-urgent"
            name="urgent"
            label={t("priority.directorate.urgent")}
            value={q.urgent}
            options={[
              { value: "yes", label: t("priority.directorate.yes") },
              { value: "no", label: t("priority.directorate.no") },
            ]}
          />
        </div>
        <p>
          <button type="submit" className="button primary">
            {t("priority.directorate.apply")}
          </button>{" "}
          <Link to="/directorate">{t("priority.directorate.clear")}</Link>
        </p>
      </Form>
      <section aria-labelledby="results-title" className="stack">
        <h2 id="results-title">{t("priority.directorate.count", { count: list.total })}</h2>
        <p className="manage-links">
          <a href={exportHref("csv")} download>
            {t("priority.directorate.exportCsv")}
          </a>
          <a href={exportHref("json")} download>
            {t("priority.directorate.exportJson")}
          </a>
        </p>
        {list.items.length === 0 ? (
          <p>{t("priority.directorate.empty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="manage-table">
              <caption className="visually-hidden">{t("priority.directorate.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("priority.directorate.rank")}</th>
                  <th scope="col">{t("priority.directorate.score")}</th>
                  <th scope="col">{t("priority.directorate.submission")}</th>
                  <th scope="col">{t("priority.directorate.consultation")}</th>
                  <th scope="col">{t("priority.directorate.themes")}</th>
                  <th scope="col">{t("priority.directorate.municipality")}</th>
                  <th scope="col">{t("priority.directorate.supports")}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((r) => (
                  <tr key={r.id} data-testid="directorate-row">
                    <td>{r.rank}</td>
                    <td>{points(locale, r.score)}</td>
                    <th scope="row">
                      <Link to={`/submissions/${r.id}`}>{r.title}</Link>{" "}
                      <span className={`badge kind-${r.kind}`}>{t(`submissions.kinds.${r.kind}`)}</span>
                      {r.urgent ? (
                        <>
                          {" "}
                          <span className="badge urgent">{t("priority.directorate.urgentBadge")}</span>
                        </>
                      ) : null}
                      <span className="manage-date muted">{formatDate(locale, r.createdAt)}</span>
                    </th>
                    <td>
                      <Link to={`/consultations/${r.consultation.slug}`}>{r.consultation.title}</Link>{" "}
                      <Link to={`/manage/consultations/${r.consultation.id}/priority`} className="muted">
                        {t("priority.directorate.weights")}
                      </Link>
                    </td>
                    <td>{r.themes.map((k) => themeName.get(k) ?? k).join(", ")}</td>
                    <td>{r.municipalityId ? (municipalityName.get(r.municipalityId) ?? "") : ""}</td>
                    <td>{r.supportCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <Pagination page={list.page} pages={list.pages} />
      </section>
    </div>
  );
}
