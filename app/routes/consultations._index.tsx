import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import {
  parseConsultationFilters,
  searchConsultations,
} from "~/domain/consultations/consultations.server.ts";
import { PHASES } from "~/domain/consultations/consultations.schema.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "consultations.index.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const filters = parseConsultationFilters(new URL(request.url).searchParams);
  const result = await searchConsultations(getDb(), filters);
  return { ...result, filters };
}

type Named = { nameEl: string; nameEn: string };

// Not imported from consultations.server.ts: .server modules are empty in the browser bundle.
const PUBLIC_PHASES = PHASES.filter((p) => p !== "draft");

export default function ConsultationsIndex() {
  const t = useT();
  const locale = useLocale();
  const { consultations, phaseCounts, total, options, filters } = useLoaderData<typeof loader>();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameEl);
  const municipalities = filters.unit
    ? options.municipalities.filter((m) => m.regionalUnitCode === filters.unit)
    : options.municipalities;
  return (
    <div className="stack">
      <h1>{t("consultations.index.title")}</h1>
      <p className="lead">{t("consultations.index.intro")}</p>
      <nav aria-label={t("consultations.index.byPhase")}>
        <ul className="plain chips">
          <li>
            <Link to="/consultations" aria-current={!filters.phase ? "page" : undefined}>
              {t("consultations.index.allPhases", { count: total })}
            </Link>
          </li>
          {PUBLIC_PHASES.map((p) => (
            <li key={p}>
              <Link to={`/consultations?phase=${p}`} aria-current={filters.phase === p ? "page" : undefined}>
                {t(`consultations.index.phaseCount.${p}`, { count: phaseCounts[p] ?? 0 })}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" className="filters card" aria-labelledby="filters-title">
        <h2 id="filters-title">{t("consultations.index.filters")}</h2>
        <div className="filter-grid">
          <div className="field">
            <label htmlFor="f-phase">{t("consultations.fields.phase")}</label>
            <select id="f-phase" name="phase" defaultValue={filters.phase ?? ""}>
              <option value="">{t("consultations.index.any")}</option>
              {PUBLIC_PHASES.map((p) => (
                <option key={p} value={p}>
                  {t(`phases.${p}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-theme">{t("consultations.fields.theme")}</label>
            <select id="f-theme" name="theme" defaultValue={filters.theme ?? ""}>
              <option value="">{t("consultations.index.any")}</option>
              {options.themes.map((o) => (
                <option key={o.key} value={o.key}>
                  {name(o)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-group">{t("consultations.fields.targetGroup")}</label>
            <select id="f-group" name="group" defaultValue={filters.group ?? ""}>
              <option value="">{t("consultations.index.any")}</option>
              {options.groups.map((o) => (
                <option key={o.key} value={o.key}>
                  {name(o)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-unit">{t("consultations.fields.regionalUnit")}</label>
            <select id="f-unit" name="unit" defaultValue={filters.unit ?? ""}>
              <option value="">{t("consultations.index.any")}</option>
              {options.units.map((o) => (
                <option key={o.code} value={o.code}>
                  {name(o)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor="f-municipality">{t("consultations.fields.municipality")}</label>
            <select id="f-municipality" name="municipality" defaultValue={filters.municipality ?? ""}>
              <option value="">{t("consultations.index.any")}</option>
              {municipalities.map((o) => (
                <option key={o.id} value={o.id}>
                  {name(o)}
                </option>
              ))}
            </select>
          </div>
        </div>
        <p>
          <button type="submit" className="button primary">
            {t("consultations.index.apply")}
          </button>{" "}
          <Link to="/consultations">{t("consultations.index.clear")}</Link>
        </p>
      </Form>
      <section aria-labelledby="results-title">
        <h2 id="results-title">{t("consultations.index.results", { count: consultations.length })}</h2>
        {consultations.length === 0 ? <p>{t("consultations.index.none")}</p> : null}
        <ul className="plain cards">
          {consultations.map((c) => (
            <li key={c.id} className="card">
              <h3>
                <Link to={`/consultations/${c.slug}`}>{c.title}</Link>
              </h3>
              <p>{c.summary}</p>
              <p className="meta">
                <span className={`badge phase-${c.phase}`}>{t(`phases.${c.phase}`)}</span>
                <span>{c.place ? name(c.place) : t("consultations.wholeRegion")}</span>
                {c.closesAt && c.phase === "open" ? (
                  <span>{t("home.closes", { date: formatDate(locale, c.closesAt) })}</span>
                ) : null}
                <span>{t("home.submissions", { count: c.submissionCount })}</span>
              </p>
              {c.themes.length > 0 ? (
                <ul className="plain tags" aria-label={t("consultations.fields.themes")}>
                  {c.themes.map((th) => (
                    <li key={th.key}>{name(th)}</li>
                  ))}
                </ul>
              ) : null}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}
