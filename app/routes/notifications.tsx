/**
 * /notifications: the signed-in user's notifications, newest first and paginated, with unread ones marked.
 * Opening the page changes nothing; read marks are explicit (one, or all). Also the e-mail digest preference.
 * New notifications arriving while the page is open are loaded in place.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useRevalidator,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import { useId } from "react";
import { FollowButton } from "~/components/follow-button.tsx";
import { CsrfInput, FormErrors } from "~/components/forms.tsx";
import { requireUser } from "~/domain/accounts/auth.server.ts";
import {
  getDigestPreference,
  listFollowedTargets,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  setDigestPreference,
} from "~/domain/notifications/notifications.server.ts";
import {
  DIGEST_CHOICES,
  notificationText,
  parsePage,
  type NotificationPayload,
} from "~/domain/notifications/notifications.schema.ts";
import { MODERATION_NOTIFICATION_TYPE, moderationNoticeText } from "~/domain/moderation/moderation.server.ts";
import { createT, formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { useSocketEvent } from "~/realtime/client.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { getLocale } from "~/utils/locale.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "notifications.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const page = parsePage(new URL(request.url).searchParams.get("page"));
  const [list, digest, follows] = await Promise.all([
    listNotifications(db, user.id, { page }),
    getDigestPreference(db, user.id),
    listFollowedTargets(db, user.id),
  ]);
  // Moderation notices are worded here, from their stored payload, in the reader's language: what was
  // decided, the rule applied and the moderator's own message, with the way to appeal when there is one.
  const moderationIds = list.items.filter((i) => i.type === MODERATION_NOTIFICATION_TYPE).map((i) => i.id);
  const raw = moderationIds.length
    ? await db.notification.findMany({
        where: { id: { in: moderationIds }, userId: user.id },
        select: { id: true, payload: true },
      })
    : [];
  const locale = getLocale(request, user.locale);
  const t = createT(locale);
  const moderation: Record<string, ModerationNoticeView> = {};
  for (const row of raw) {
    const text = moderationNoticeText(t, locale, row.payload);
    if (!text) continue;
    const status = (row.payload as { status?: unknown } | null)?.status;
    moderation[row.id] = {
      ...text,
      appealUrl:
        text.actionId && (status === "hide" || status === "reject")
          ? `/appeal?action=${text.actionId}`
          : null,
    };
  }
  return { ...list, digest, follows, moderation };
}

interface ModerationNoticeView {
  summary: string;
  reason: string;
  message: string;
  /** The appeal page for a decision the reader may appeal (hidden or rejected content). */
  appealUrl: string | null;
}

/**
 * Following or unfollowing from this page does not reload the list of follows: an unfollowed row stays, its
 * button showing "Follow", so a slip can be undone where it happened and focus is not lost.
 */
export const shouldRevalidate: ShouldRevalidateFunction = ({ formAction, defaultShouldRevalidate }) =>
  formAction === "/follow" ? false : defaultShouldRevalidate;

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const db = getDb();
  try {
    switch (intent) {
      case "read":
        await markNotificationRead(db, user.id, form.get("id"));
        return { ok: true as const, intent };
      case "readAll":
        await markAllNotificationsRead(db, user.id);
        return { ok: true as const, intent };
      case "digest":
        await setDigestPreference(db, user.id, { digest: form.get("digest") ?? undefined });
        return { ok: true as const, intent };
      default:
        return data({ ok: false as const, formError: { key: "errors.invalid" }, intent }, { status: 400 });
    }
  } catch (error) {
    return actionError(error, undefined, intent);
  }
}

function pageHref(page: number): string {
  return page <= 1 ? "/notifications" : `/notifications?page=${page}`;
}

function NotificationRow({
  item,
  moderation,
}: {
  item: { id: string; type: string; payload: NotificationPayload; read: boolean; createdAt: Date | string };
  moderation?: ModerationNoticeView;
}) {
  const t = useT();
  const locale = useLocale();
  const textId = useId();
  const text = moderation ? moderation.summary : notificationText(t, item.type, item.payload);
  return (
    <li className={`notification-item${item.read ? "" : " is-unread"}`}>
      <div className="notification-main">
        {item.read ? null : <span className="notification-unread-dot" aria-hidden="true" />}
        <p className="notification-text" id={textId}>
          {item.read ? null : (
            <span className="notifications-sr-only">{t("notifications.list.unread")} </span>
          )}
          <Link to={item.payload.url}>{text}</Link>
          {item.payload.alignment && item.payload.alignment !== "neutral" ? (
            <>
              {" "}
              <span className={`notification-alignment alignment-${item.payload.alignment}`}>
                {t(`notifications.alignment.${item.payload.alignment}`)}
              </span>
            </>
          ) : null}
        </p>
        {moderation ? (
          <div className="notification-moderation">
            <p>{t("notifications.moderation.rule", { rule: moderation.reason })}</p>
            <p>
              {t("notifications.moderation.message", {
                message: moderation.message || t("moderation.notice.noMessage"),
              })}
            </p>
            {moderation.appealUrl ? (
              <p>
                <Link to={moderation.appealUrl}>{t("notifications.moderation.appeal")}</Link>
              </p>
            ) : null}
          </div>
        ) : null}
        <p className="notification-time meta">
          <time dateTime={new Date(item.createdAt).toISOString()}>
            {formatDateTime(locale, item.createdAt)}
          </time>
        </p>
      </div>
      {item.read ? null : (
        <Form method="post" className="notification-mark" preventScrollReset>
          <CsrfInput />
          <input type="hidden" name="intent" value="read" />
          <input type="hidden" name="id" value={item.id} />
          <button type="submit" className="link-button" aria-describedby={textId}>
            {t("notifications.list.markRead")}
          </button>
        </Form>
      )}
    </li>
  );
}

export default function Notifications() {
  const t = useT();
  const page = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const revalidator = useRevalidator();
  // Load a notification that arrives while the page is open (the bell announces it).
  useSocketEvent("notification:new", () => {
    if (revalidator.state === "idle") revalidator.revalidate();
  });

  const intent = result && "intent" in result ? result.intent : undefined;
  const resultFor = (name: string) => (intent === name ? result : undefined);
  const saved = (name: string) => {
    const r = resultFor(name);
    return r !== undefined && r.ok === true && navigation.state === "idle";
  };

  return (
    <div className="stack notifications-page">
      <h1>{t("notifications.title")}</h1>
      <p className="lead">
        {page.unread > 0
          ? t("notifications.list.unreadCount", { count: page.unread })
          : t("notifications.list.allRead")}
      </p>
      <FormErrors result={resultFor("read") ?? resultFor("readAll")} />
      <p role="status" className="notifications-status">
        {saved("readAll") ? t("notifications.list.markedAllRead") : ""}
      </p>
      {page.unread > 0 ? (
        <Form method="post" preventScrollReset>
          <CsrfInput />
          <input type="hidden" name="intent" value="readAll" />
          <button type="submit" className="button">
            {t("notifications.list.markAllRead")}
          </button>
        </Form>
      ) : null}

      {page.items.length === 0 ? (
        <div className="card notifications-empty">
          <p>{t("notifications.list.empty")}</p>
          <p className="muted">{t("notifications.list.emptyHint")}</p>
        </div>
      ) : (
        <section aria-labelledby="notifications-list-title">
          <h2 id="notifications-list-title" className="notifications-sr-only">
            {t("notifications.list.heading")}
          </h2>
          <ul className="notification-list plain">
            {page.items.map((item) => (
              <NotificationRow key={item.id} item={item} moderation={page.moderation[item.id]} />
            ))}
          </ul>
        </section>
      )}

      {page.pageCount > 1 ? (
        <nav aria-label={t("notifications.list.pagination")} className="pagination">
          {page.page > 1 ? (
            <Link to={pageHref(page.page - 1)} rel="prev">
              {t("notifications.list.previous")}
            </Link>
          ) : null}
          <span aria-current="page">
            {t("notifications.list.pageOf", { page: page.page, pages: page.pageCount })}
          </span>
          {page.page < page.pageCount ? (
            <Link to={pageHref(page.page + 1)} rel="next">
              {t("notifications.list.next")}
            </Link>
          ) : null}
        </nav>
      ) : null}

      <section aria-labelledby="follows-title" className="card">
        <h2 id="follows-title">{t("notifications.follows.title")}</h2>
        {page.follows.length === 0 ? (
          <p className="muted">{t("notifications.follows.empty")}</p>
        ) : (
          <ul className="followed-list plain">
            {page.follows.map((f) => (
              <li key={`${f.targetType}:${f.targetId}`} className="followed-item">
                <span className="followed-title">
                  <span className="followed-kind">{t(`notifications.follows.kind.${f.targetType}`)}</span>{" "}
                  {f.url ? <Link to={f.url}>{f.title}</Link> : f.title}
                </span>
                <FollowButton targetType={f.targetType} targetId={f.targetId} following />
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="digest-title" className="card" id="digest">
        <h2 id="digest-title">{t("notifications.digest.title")}</h2>
        <FormErrors result={resultFor("digest")} />
        <Form method="post" preventScrollReset>
          <CsrfInput />
          <input type="hidden" name="intent" value="digest" />
          <fieldset>
            <legend>{t("notifications.digest.legend")}</legend>
            {DIGEST_CHOICES.map((choice) => (
              <div className="field checkbox" key={choice}>
                <input
                  type="radio"
                  id={`digest-${choice}`}
                  name="digest"
                  value={choice}
                  defaultChecked={page.digest === choice}
                />
                <label htmlFor={`digest-${choice}`}>{t(`notifications.digest.${choice}`)}</label>
              </div>
            ))}
          </fieldset>
          <button type="submit" className="button">
            {t("notifications.digest.save")}
          </button>
          <p role="status" className="notifications-status">
            {saved("digest") ? t("notifications.digest.saved") : ""}
          </p>
        </Form>
      </section>
    </div>
  );
}
