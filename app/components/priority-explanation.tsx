import type { ComponentResult, StoredComponents } from "~/domain/priority/priority.ts";
import { formatDateTime, type Locale } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";

type Name = { el: string; en: string };

/** What the submission page's loader passes (explainPriority's result, serialised). */
export interface PriorityExplanationData {
  score: number;
  computedAt: string;
  rank: number;
  total: number;
  components: ComponentResult[];
  detail: StoredComponents["detail"];
  names: { themes: Record<string, Name>; group: Name | null };
}

const intlLocale: Record<Locale, string> = { el: "el-GR", en: "en-GB" };

/** A 0–1 value as points out of 100, one decimal, in the reader's locale. */
export function points(locale: Locale, value: number): string {
  return new Intl.NumberFormat(intlLocale[locale], {
    maximumFractionDigits: 1,
    minimumFractionDigits: 1,
  }).format(value * 100);
}

function number(locale: Locale, value: number): string {
  return new Intl.NumberFormat(intlLocale[locale], { maximumFractionDigits: 1 }).format(value);
}

/** "Why it is ranked here": the score, its place, and each factor's value, weight and contribution. */
export function PriorityExplanation({ data }: { data: PriorityExplanationData | null }) {
  const t = useT();
  const locale = useLocale();
  if (!data) {
    return (
      <section className="card stack priority-explanation" aria-labelledby="priority-title">
        <h2 id="priority-title">{t("priority.explain.title")}</h2>
        <p className="muted">{t("priority.explain.notYet")}</p>
      </section>
    );
  }
  const d = data.detail;
  const name = (n: Name) => (locale === "en" ? n.en : n.el);
  const basis: Record<ComponentResult["key"], string> = {
    support: t("priority.explain.detail.support", { positives: d.positives, negatives: d.negatives }),
    breadth: t("priority.explain.detail.breadth", {
      municipalities: d.municipalities,
      organisations: d.organisations,
    }),
    targetGroups: data.names.group
      ? t("priority.explain.detail.targetGroups", { group: name(data.names.group) })
      : t("priority.explain.detail.noTargetGroups"),
    urgency: !d.urgent.value
      ? t("priority.explain.detail.notUrgent")
      : d.urgent.source === "person"
        ? t("priority.explain.detail.urgentPerson")
        : t("priority.explain.detail.urgentModel", { confidence: Math.round(d.urgent.confidence * 100) }),
    strategyGap: !d.hasStrategy
      ? t("priority.explain.detail.noStrategy")
      : d.themes.length === 0
        ? t("priority.explain.detail.noThemes")
        : t("priority.explain.detail.coverage", {
            themes: d.themes
              .map((th) => {
                const n = data.names.themes[th.key];
                return `${n ? name(n) : th.key} ${Math.round(th.coverage * 100)}%`;
              })
              .join(", "),
          }),
    recency: t("priority.explain.detail.recency", { days: d.ageDays, halfLife: d.halfLifeDays }),
  };
  return (
    <section className="card stack priority-explanation" aria-labelledby="priority-title">
      <h2 id="priority-title">{t("priority.explain.title")}</h2>
      <p>
        <strong>{t("priority.explain.score", { score: points(locale, data.score) })}</strong>
        {" · "}
        {t("priority.explain.rank", { rank: data.rank, total: data.total })}
      </p>
      <div className="table-scroll" style={{ overflowX: "auto" }}>
        <table className="manage-table">
          <caption className="visually-hidden">{t("priority.explain.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("priority.explain.component")}</th>
              <th scope="col">{t("priority.explain.value")}</th>
              <th scope="col">{t("priority.explain.weight")}</th>
              <th scope="col">{t("priority.explain.contribution")}</th>
              <th scope="col">{t("priority.explain.basis")}</th>
            </tr>
          </thead>
          <tbody>
            {data.components.map((c) => (
              <tr key={c.key}>
                <th scope="row">{t(`priority.components.${c.key}`)}</th>
                <td>{points(locale, c.value)}</td>
                <td>{number(locale, c.weight)}</td>
                <td>{points(locale, c.contribution)}</td>
                <td>{basis[c.key]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        {t("priority.explain.computedAt", { date: formatDateTime(locale, data.computedAt) })}
      </p>
    </section>
  );
}
