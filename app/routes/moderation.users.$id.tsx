/**
 * /moderation/users/:id: a moderator blocks a participant for a period or indefinitely (optionally hiding
 * their published content), or lifts a block (bringing back what it hid unless told not to). Each with a
 * rule and a message; the domain tells the user (by e-mail, with a signed link to appeal: blocked users
 * cannot sign in). A moderator cannot block themselves; the page says so instead of showing the forms.
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { Checkbox, CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { ModerationReasonFields } from "~/components/moderation-reason-fields.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { canModerate } from "~/domain/moderation/moderation.policy.ts";
import { activeBlock, blockUser, unblockUser } from "~/domain/moderation/moderation.server.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, Invalid } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.user.title");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Block lengths offered, in days; "custom" takes a date, "indefinite" has no end. */
const DURATIONS = ["1", "7", "30", "90", "custom", "indefinite"] as const;

/** The end of a calendar day (yyyy-mm-dd) in Athens, as an instant. */
function endOfAthensDay(day: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const utcMidnight = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(utcMidnight.getTime())) return null;
  // Athens is UTC+2 or +3: read the offset that applies on that day.
  const name = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Athens", timeZoneName: "shortOffset" })
    .formatToParts(new Date(utcMidnight.getTime() + 12 * 3_600_000))
    .find((p) => p.type === "timeZoneName")?.value;
  const hours = Number(/GMT([+-]\d+)/.exec(name ?? "")?.[1] ?? 2);
  return new Date(utcMidnight.getTime() + 86_400_000 - hours * 3_600_000 - 1_000);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const me = await requireCan(request, "moderation.access");
  const id = params.id ?? "";
  const db = getDb();
  const user = UUID.test(id)
    ? await db.user.findUnique({
        where: { id },
        select: { id: true, displayName: true, createdAt: true, erasedAt: true },
      })
    : null;
  if (!user || user.erasedAt) throw new Response("moderation.errors.userNotFound", { status: 404 });
  const [block, submissions, comments, openFlags, history] = await Promise.all([
    activeBlock(db, id),
    db.submission.count({ where: { authorId: id, status: "published" } }),
    db.comment.count({ where: { authorId: id, status: "published", deletedAt: null } }),
    db.flag.count({ where: { targetType: "user", targetId: id, status: "open" } }),
    db.userBlock.findMany({
      where: { userId: id },
      orderBy: { startsAt: "desc" },
      take: 20,
      select: { id: true, startsAt: true, endsAt: true, liftedAt: true, reason: true, hideContent: true },
    }),
  ]);
  return {
    user: { id: user.id, displayName: user.displayName, createdAt: user.createdAt },
    block,
    counts: { submissions, comments, openFlags },
    history,
    canAct: canModerate(me, "block", { userId: id }),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const me = await requireCan(request, "moderation.access");
  const db = getDb();
  const userId = params.id ?? "";
  const intent = form.get("intent");
  const str = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const reason = { reasonCode: str("reasonCode") || undefined, message: str("message") };
  const values = {
    reasonCode: str("reasonCode"),
    message: str("message"),
    duration: str("duration"),
    until: str("until"),
    hideContent: str("hideContent"),
    keepContentHidden: str("keepContentHidden"),
  };
  try {
    if (intent === "block") {
      const duration = str("duration");
      let endsAt: Date | null;
      if (duration === "indefinite") endsAt = null;
      else if (duration === "custom") {
        endsAt = endOfAthensDay(str("until"));
        if (!endsAt)
          throw new Invalid({ until: "moderation.errors.invalidEnd" }, "moderation.errors.invalidEnd");
        if (endsAt.getTime() <= Date.now())
          throw new Invalid({ until: "moderation.errors.endInPast" }, "moderation.errors.endInPast");
      } else if ((DURATIONS as readonly string[]).includes(duration)) {
        endsAt = new Date(Date.now() + Number(duration) * 86_400_000);
      } else {
        throw new Invalid(
          { duration: "moderation.errors.durationRequired" },
          "moderation.errors.durationRequired",
        );
      }
      await blockUser(db, me, {
        userId,
        endsAt,
        hideContent: form.get("hideContent") ?? undefined,
        ...reason,
      });
    } else if (intent === "unblock") {
      await unblockUser(db, me, {
        userId,
        keepContentHidden: form.get("keepContentHidden") ?? undefined,
        ...reason,
      });
    } else {
      throw new Invalid({}, "moderation.queue.invalidIntent");
    }
  } catch (error) {
    return actionError(error, values, typeof intent === "string" ? intent : "");
  }
  publish(rooms.moderation(), "moderation:changed", { targetType: "user", targetId: userId });
  return redirect(`/moderation/users/${userId}?notice=${intent}`);
}

type Result = ReturnType<typeof useActionData<typeof action>>;

function resultFor(result: Result, intent: string) {
  return result && "intent" in result && result.intent === intent ? result : undefined;
}

export default function ModerateUser() {
  const t = useT();
  const locale = useLocale();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const notice = params.get("notice");
  const block = resultFor(result, "block");
  const unblock = resultFor(result, "unblock");
  const duration = typedValue(block, "duration") ?? "7";
  return (
    <div className="stack">
      <nav aria-label={t("moderation.submission.breadcrumb")}>
        <Link to="/moderation">{t("moderation.queue.title")}</Link>
      </nav>
      <h1>{t("moderation.user.title")}</h1>
      {notice === "block" || notice === "unblock" ? (
        <p className="notice" role="status">
          {t(`moderation.user.done.${notice}`)}
        </p>
      ) : null}
      <section className="card stack" aria-labelledby="user-heading">
        <h2 id="user-heading">{d.user.displayName}</h2>
        <dl className="facts">
          <dt>{t("moderation.user.memberSince")}</dt>
          <dd>{formatDateTime(locale, d.user.createdAt)}</dd>
          <dt>{t("moderation.user.published")}</dt>
          <dd>
            {t("moderation.user.publishedCounts", {
              submissions: d.counts.submissions,
              comments: d.counts.comments,
            })}
          </dd>
          <dt>{t("moderation.user.flags")}</dt>
          <dd>{d.counts.openFlags}</dd>
          <dt>{t("moderation.user.status")}</dt>
          <dd>
            {!d.block
              ? t("moderation.user.notBlocked")
              : d.block.endsAt
                ? t("moderation.user.blockedUntil", { until: formatDateTime(locale, d.block.endsAt) })
                : t("moderation.user.blockedIndefinitely")}
          </dd>
        </dl>
      </section>

      {!d.canAct ? <FormErrors result={result} /> : null}
      {!d.canAct ? (
        <p className="notice" role="note">
          {t("moderation.user.ownAccount")}
        </p>
      ) : d.block ? (
        <section className="card stack" aria-labelledby="unblock-heading">
          <h2 id="unblock-heading">{t("moderation.user.unblock.title")}</h2>
          <FormErrors result={unblock} />
          <Form method="post" className="stack" aria-labelledby="unblock-heading">
            <CsrfInput />
            {d.block.hideContent ? (
              <Checkbox
                name="keepContentHidden"
                label={t("moderation.user.unblock.keepHidden")}
                defaultChecked={typedValue(unblock, "keepContentHidden") === "on"}
              />
            ) : null}
            <ModerationReasonFields id="unblock" result={unblock} />
            <button type="submit" name="intent" value="unblock" className="button">
              {t("moderation.user.unblock.submit")}
            </button>
          </Form>
        </section>
      ) : (
        <section className="card stack" aria-labelledby="block-heading">
          <h2 id="block-heading">{t("moderation.user.block.title")}</h2>
          <FormErrors result={block} />
          <Form method="post" className="stack" aria-labelledby="block-heading">
            <CsrfInput />
            <fieldset>
              <legend>{t("moderation.user.block.duration")}</legend>
              {fieldError(block, "duration") ? (
                <p className="field-error">{t(fieldError(block, "duration")!)}</p>
              ) : null}
              {DURATIONS.map((value) => (
                <div className="field checkbox" key={value}>
                  <input
                    type="radio"
                    id={`duration-${value}`}
                    name="duration"
                    value={value}
                    defaultChecked={duration === value}
                  />
                  <label htmlFor={`duration-${value}`}>{t(`moderation.user.block.durations.${value}`)}</label>
                </div>
              ))}
            </fieldset>
            <Field
              label={t("moderation.user.block.until")}
              hint={t("moderation.user.block.untilHint")}
              name="until"
              type="date"
              defaultValue={typedValue(block, "until") ?? ""}
              error={fieldError(block, "until") ?? fieldError(block, "endsAt")}
            />
            <Checkbox
              name="hideContent"
              label={t("moderation.user.block.hideContent", {
                submissions: d.counts.submissions,
                comments: d.counts.comments,
              })}
              defaultChecked={typedValue(block, "hideContent") === "on"}
            />
            <ModerationReasonFields id="block" result={block} />
            <button type="submit" name="intent" value="block" className="button primary">
              {t("moderation.user.block.submit")}
            </button>
          </Form>
        </section>
      )}

      {d.history.length > 0 ? (
        <section className="stack" aria-labelledby="history-heading">
          <h2 id="history-heading">{t("moderation.user.history.title")}</h2>
          <div className="table-wrap">
            <table>
              <caption>{t("moderation.user.history.caption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("moderation.user.history.from")}</th>
                  <th scope="col">{t("moderation.user.history.to")}</th>
                  <th scope="col">{t("moderation.log.reason")}</th>
                  <th scope="col">{t("moderation.user.history.lifted")}</th>
                </tr>
              </thead>
              <tbody>
                {d.history.map((b) => (
                  <tr key={b.id}>
                    <td>{formatDateTime(locale, b.startsAt)}</td>
                    <td>
                      {b.endsAt ? formatDateTime(locale, b.endsAt) : t("moderation.user.history.noEnd")}
                    </td>
                    <td>{t(`moderation.reasons.${b.reason}`)}</td>
                    <td>{b.liftedAt ? formatDateTime(locale, b.liftedAt) : "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </div>
  );
}
