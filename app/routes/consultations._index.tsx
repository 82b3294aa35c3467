import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { FilterSelect } from "~/components/filter-select.tsx";
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
          <FilterSelect
            id="f-phase"
            name="phase"
            label={t("consultations.fields.phase")}
            value={filters.phase}
            options={PUBLIC_PHASES.map((p) => ({ value: p, label: t(`phases.${p}`) }))}
          />
          <FilterSelect
            id="f-theme"
            name="theme"
            label={t("consultations.fields.theme")}
            value={filters.theme}
            options={options.themes.map((o) => ({ value: o.key, label: name(o) }))}
          />
          <FilterSelect
            id="f-group"
            name="group"
            label={t("consultations.fields.targetGroup")}
            value={filters.group}
            options={options.groups.map((o) => ({ value: o.key, label: name(o) }))}
          />
          <FilterSelect
            id="f-unit"
            name="unit"
            label={t("consultations.fields.regionalUnit")}
            value={filters.unit}
            options={options.units.map((o) => ({ value: o.code, label: name(o) }))}
          />
          <FilterSelect
            id="f-municipality"
            name="municipality"
            label={t("consultations.fields.municipality")}
            value={filters.municipality}
            options={municipalities.map((o) => ({ value: o.id, label: name(o) }))}
          />
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
