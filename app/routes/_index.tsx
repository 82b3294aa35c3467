import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listPublicConsultations } from "~/domain/consultations/consultations.server.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useRootData, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "nav.home");

export async function loader() {
  return listPublicConsultations(getDb());
}

type Item = Awaited<ReturnType<typeof loader>>["open"][number];

function ConsultationCard({ c }: { c: Item }) {
  const t = useT();
  const locale = useLocale();
  return (
    <li className="card">
      <h3>
        <Link to={`/consultations/${c.slug}`}>{c.title}</Link>
      </h3>
      <p>{c.summary}</p>
      <p className="meta">
        <span className={`badge phase-${c.phase}`}>{t("home.phase", { phase: t(`phases.${c.phase}`) })}</span>
        {c.closesAt && c.phase === "open" ? (
          <span>{t("home.closes", { date: formatDate(locale, c.closesAt) })}</span>
        ) : null}
        <span>{t("home.submissions", { count: c.submissionCount })}</span>
      </p>
    </li>
  );
}

export default function Index() {
  const t = useT();
  const { user } = useRootData();
  const { open, other } = useLoaderData<typeof loader>();
  return (
    <div className="stack">
      <section className="hero" aria-labelledby="home-title">
        <h1 id="home-title">{t("home.title")}</h1>
        <p className="lead">{t("home.intro")}</p>
        {!user ? (
          <p>
            <Link to="/register" className="button primary">
              {t("nav.register")}
            </Link>{" "}
            <Link to="/login" className="button">
              {t("nav.login")}
            </Link>
          </p>
        ) : null}
      </section>
      <section aria-labelledby="open-title">
        <h2 id="open-title">{t("home.openConsultations")}</h2>
        {open.length === 0 ? <p>{t("home.none")}</p> : null}
        <ul className="plain cards">
          {open.map((c) => (
            <ConsultationCard key={c.id} c={c} />
          ))}
        </ul>
      </section>
      {other.length > 0 ? (
        <section aria-labelledby="other-title">
          <h2 id="other-title">{t("home.otherConsultations")}</h2>
          <ul className="plain cards">
            {other.map((c) => (
              <ConsultationCard key={c.id} c={c} />
            ))}
          </ul>
        </section>
      ) : null}
      {!user ? (
        <section aria-labelledby="join-title" className="card">
          <h2 id="join-title">{t("home.joinTitle")}</h2>
          <p>{t("home.joinBody")}</p>
        </section>
      ) : null}
    </div>
  );
}
