/**
 * /transparency: public counts of moderation by action, rule, month, flag reason and appeal outcome. No
 * people and no items, only numbers.
 */
import type { MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { transparencyCounts } from "~/domain/moderation/moderation.server.ts";
import { formatNumber } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.transparency.title");

export async function loader() {
  return transparencyCounts(getDb());
}

/** One counts table: a caption, a label column and a number column. */
function CountsTable({
  caption,
  labelHeading,
  rows,
}: {
  caption: string;
  labelHeading: string;
  rows: { key: string; label: string; count: number }[];
}) {
  const t = useT();
  const locale = useLocale();
  return (
    <section className="stack">
      {rows.length === 0 ? (
        <>
          <h2>{caption}</h2>
          <p>{t("moderation.transparency.none")}</p>
        </>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>
              <h2>{caption}</h2>
            </caption>
            <thead>
              <tr>
                <th scope="col">{labelHeading}</th>
                <th scope="col">{t("moderation.transparency.count")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.key}>
                  <th scope="row">{r.label}</th>
                  <td>{formatNumber(locale, r.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export default function Transparency() {
  const t = useT();
  const counts = useLoaderData<typeof loader>();
  const action = (a: string) => t(`moderation.actions.${a}`);
  return (
    <div className="stack">
      <h1>{t("moderation.transparency.title")}</h1>
      <p>{t("moderation.transparency.intro")}</p>
      <CountsTable
        caption={t("moderation.transparency.byAction")}
        labelHeading={t("moderation.transparency.action")}
        rows={counts.byAction.map((r) => ({ key: r.action, label: action(r.action), count: r.count }))}
      />
      <CountsTable
        caption={t("moderation.transparency.byReason")}
        labelHeading={t("moderation.transparency.reason")}
        rows={counts.byReason.map((r) => ({
          key: r.reasonCode,
          label: t(`moderation.reasons.${r.reasonCode}`),
          count: r.count,
        }))}
      />
      <CountsTable
        caption={t("moderation.transparency.byMonth")}
        labelHeading={t("moderation.transparency.month")}
        rows={counts.byMonth.map((r) => ({
          key: `${r.month}-${r.action}`,
          label: `${r.month} · ${action(r.action)}`,
          count: r.count,
        }))}
      />
      <CountsTable
        caption={t("moderation.transparency.flagsByReason")}
        labelHeading={t("moderation.transparency.reason")}
        rows={counts.flagsByReason.map((r) => ({
          key: r.reason,
          label: t(`moderation.flagReasons.${r.reason}`),
          count: r.count,
        }))}
      />
      <CountsTable
        caption={t("moderation.transparency.appeals")}
        labelHeading={t("moderation.transparency.status")}
        rows={counts.appeals.map((r) => ({
          key: r.status,
          label: t(`moderation.appealStatus.${r.status}`),
          count: r.count,
        }))}
      />
    </div>
  );
}
