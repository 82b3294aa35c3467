/**
 * /moderation/log: the append-only moderation log for moderators and admins, filtered by moderator, action
 * and period through the query string (so a filtered view can be bookmarked and paged).
 */
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { Pagination } from "~/components/pagination.tsx";
import { requireUser } from "~/domain/accounts/auth.server.ts";
import { ACTION_TYPES } from "~/domain/moderation/moderation.schema.ts";
import { listModerationLog } from "~/domain/moderation/moderation.server.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { Invalid, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.log.title");

const FILTERS = ["moderatorId", "action", "from", "to", "page"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const url = new URL(request.url);
  const query = Object.fromEntries(FILTERS.map((f) => [f, url.searchParams.get(f) ?? undefined]));
  const db = getDb();
  try {
    const log = await listModerationLog(db, user, query);
    const moderators = await db.user.findMany({
      where: { roles: { some: { role: "moderator" } } },
      orderBy: { displayName: "asc" },
      select: { id: true, displayName: true },
    });
    return { ...log, moderators, error: null as string | null };
  } catch (error) {
    // A bad filter value is the reader's typo: show it on the page instead of an error page.
    if (error instanceof Invalid) {
      return {
        items: [],
        total: 0,
        page: 1,
        pages: 1,
        moderators: [],
        error: error.messageKey === "errors.invalid" ? "moderation.errors.invalidFilter" : error.messageKey,
      };
    }
    throwAsResponse(error);
  }
}

export default function ModerationLog() {
  const t = useT();
  const locale = useLocale();
  const { items, total, page, pages, moderators, error } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const value = (name: string) => params.get(name) ?? "";
  return (
    <div className="stack">
      <h1>{t("moderation.log.title")}</h1>
      <p>{t("moderation.log.intro")}</p>
      <Form method="get" aria-label={t("moderation.log.filters")} className="inline-form">
        <div className="field">
          <label htmlFor="log-moderator">{t("moderation.log.moderator")}</label>
          <select id="log-moderator" name="moderatorId" defaultValue={value("moderatorId")}>
            <option value="">{t("moderation.log.anyModerator")}</option>
            {moderators.map((m) => (
              <option key={m.id} value={m.id}>
                {m.displayName}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-action">{t("moderation.log.action")}</label>
          <select id="log-action" name="action" defaultValue={value("action")}>
            <option value="">{t("moderation.log.anyAction")}</option>
            {ACTION_TYPES.map((a) => (
              <option key={a} value={a}>
                {t(`moderation.actions.${a}`)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="log-from">{t("moderation.log.from")}</label>
          <input id="log-from" name="from" type="date" defaultValue={value("from")} />
        </div>
        <div className="field">
          <label htmlFor="log-to">{t("moderation.log.to")}</label>
          <input id="log-to" name="to" type="date" defaultValue={value("to")} />
        </div>
        <button type="submit" className="button">
          {t("moderation.log.apply")}
        </button>
      </Form>
      {error ? (
        <div className="error-summary" role="alert">
          <p>{t(error)}</p>
        </div>
      ) : null}
      <p role="status">{t("moderation.log.count", { count: total })}</p>
      {items.length === 0 ? (
        <p>{t("moderation.log.empty")}</p>
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{t("moderation.log.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("moderation.log.when")}</th>
                <th scope="col">{t("moderation.log.who")}</th>
                <th scope="col">{t("moderation.log.what")}</th>
                <th scope="col">{t("moderation.log.target")}</th>
                <th scope="col">{t("moderation.log.reason")}</th>
                <th scope="col">{t("moderation.log.messageCol")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id}>
                  <td>{formatDateTime(locale, item.createdAt)}</td>
                  <td>{item.moderatorName}</td>
                  <td>{t(`moderation.actions.${item.action}`)}</td>
                  <td>
                    {t(`moderation.targets.${item.targetType}`)} <code>{item.targetId.slice(0, 8)}</code>
                  </td>
                  <td>{t(`moderation.reasons.${item.reasonCode}`)}</td>
                  <td>{item.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={page} pages={pages} />
    </div>
  );
}
