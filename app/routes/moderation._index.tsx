/**
 * /moderation: the live queue for moderators. Flagged items, submissions waiting for approval and appeals,
 * each with its claim; a moderator claims an item, then acts on it with a rule and a message. Every form
 * posts here with an `intent` that calls one domain function; other moderators' queues reload live through
 * the `moderation` room.
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator, useSearchParams } from "@remix-run/react";
import { type ReactNode } from "react";
import { CsrfInput, FormErrors, typedValue } from "~/components/forms.tsx";
import { LiveAnnouncer, useAnnouncer } from "~/components/live.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { REASON_CODES } from "~/domain/moderation/moderation.schema.ts";
import {
  approveSubmission,
  claimItem,
  decideAppeal,
  dismissFlags,
  getModerationSettings,
  hideContent,
  lockThread,
  moderationQueue,
  rejectSubmission,
  releaseClaim,
  restoreContent,
  unlockThread,
} from "~/domain/moderation/moderation.server.ts";
import { correctLabel } from "~/domain/analysis/labels.server.ts";
import { formatDateTime, formatNumber } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { useRoom, useSocketEvent } from "~/realtime/client.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, DomainError, Invalid } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.queue.title");

const INTENTS = [
  "claim",
  "release",
  "hide",
  "restore",
  "dismiss",
  "lock",
  "unlock",
  "approve",
  "reject",
  "decide",
  "on-topic",
] as const;
type Intent = (typeof INTENTS)[number];
const isIntent = (v: unknown): v is Intent => INTENTS.includes(v as Intent);

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireCan(request, "moderation.access");
  const queue = await moderationQueue(getDb(), user);
  return { me: user.id, ...queue };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const user = await requireCan(request, "moderation.access");
  const db = getDb();
  const intent = form.get("intent");
  const str = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const targetType = str("targetType");
  const targetId = str("targetId");
  const reason = { reasonCode: form.get("reasonCode") ?? undefined, message: form.get("message") ?? "" };
  const values = {
    reasonCode: str("reasonCode"),
    message: str("message"),
    reason: str("reason"),
    uphold: str("uphold"),
  };
  // The item key says which card's form failed, so its error and typed values show there.
  const itemKey = `${targetType}:${targetId}`;
  try {
    if (!isIntent(intent)) throw new Invalid({}, "moderation.queue.invalidIntent");
    switch (intent) {
      case "claim": {
        const { claimMinutes } = await getModerationSettings(db);
        const result = await claimItem(db, user, { targetType, targetId }, claimMinutes * 60);
        if (!result.claimed) {
          throw new DomainError(409, "moderation.queue.claimedByOther", { name: result.moderatorName });
        }
        break;
      }
      case "release":
        await releaseClaim(db, user, { targetType, targetId });
        break;
      case "hide":
        await hideContent(db, user, { targetType, targetId, ...reason });
        break;
      case "restore":
        await restoreContent(db, user, { targetType, targetId, ...reason });
        break;
      case "dismiss":
        await dismissFlags(db, user, { targetType, targetId, ...reason });
        break;
      case "lock":
        await lockThread(db, user, { submissionId: targetId, ...reason });
        break;
      case "unlock":
        await unlockThread(db, user, { submissionId: targetId, ...reason });
        break;
      case "approve":
        await approveSubmission(db, user, { submissionId: targetId, ...reason });
        break;
      case "reject":
        await rejectSubmission(db, user, { submissionId: targetId, ...reason });
        break;
      case "on-topic":
        // A person's "not off-topic" label ends the automatic flag (and trains the next model).
        await correctLabel(db, user, targetId, "off_topic", false);
        break;
      case "decide":
        await decideAppeal(db, user, {
          appealId: targetId,
          uphold: form.get("uphold") ?? undefined,
          reason: form.get("reason") ?? undefined,
        });
        break;
    }
  } catch (error) {
    return actionError(error, values, itemKey);
  }
  // After the commit: other moderators' queues reload.
  publish(rooms.moderation(), "moderation:changed", { targetType, targetId });
  // Back to the card acted on (a submission can be both flagged and pending: the form names its card).
  const anchor = str("anchor");
  const hash = /^[a-z]+-[0-9a-f-]{36}$/.test(anchor) ? `#${anchor}` : "";
  return redirect(`/moderation?notice=${intent}${hash}`);
}

type Queue = ReturnType<typeof useLoaderData<typeof loader>>;
type Claim = Queue["flagged"][number]["claim"];
type Result = ReturnType<typeof useActionData<typeof action>>;

function ItemErrors({ result, itemKey }: { result: Result; itemKey: string }) {
  return result && "intent" in result && result.intent === itemKey ? <FormErrors result={result} /> : null;
}

function Hidden({ targetType, targetId, anchor }: { targetType: string; targetId: string; anchor?: string }) {
  return (
    <>
      <CsrfInput />
      <input type="hidden" name="anchor" value={anchor ?? `${targetType}-${targetId}`} />
      <input type="hidden" name="targetType" value={targetType} />
      <input type="hidden" name="targetId" value={targetId} />
    </>
  );
}

/** Who holds the item, and the claim or release button. */
function ClaimState({
  claim,
  me,
  targetType,
  targetId,
  anchor,
}: {
  claim: Claim;
  me: string;
  targetType: string;
  targetId: string;
  anchor?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const mine = claim?.moderatorId === me;
  return (
    <div className="inline-form">
      <p className="muted">
        {!claim
          ? t("moderation.queue.unclaimed")
          : mine
            ? t("moderation.queue.claimedByYou", { until: formatDateTime(locale, claim.expiresAt) })
            : t("moderation.queue.claimedBy", {
                name: claim.moderatorName,
                until: formatDateTime(locale, claim.expiresAt),
              })}
      </p>
      {!claim || mine ? (
        <Form method="post">
          <Hidden targetType={targetType} targetId={targetId} anchor={anchor} />
          <button type="submit" name="intent" value={mine ? "release" : "claim"} className="button">
            {t(mine ? "moderation.queue.release" : "moderation.queue.claim")}
          </button>
        </Form>
      ) : null}
    </div>
  );
}

/** The rule select and the message to the author, with what was typed kept after an error. */
function ReasonFields({ id, result, itemKey }: { id: string; result: Result; itemKey: string }) {
  const t = useT();
  const ours = result && "intent" in result && result.intent === itemKey ? result : undefined;
  return (
    <>
      <div className="field">
        <label htmlFor={`reason-${id}`}>{t("moderation.queue.reasonCode")}</label>
        <select id={`reason-${id}`} name="reasonCode" defaultValue={typedValue(ours, "reasonCode") ?? ""}>
          <option value="">{t("moderation.queue.chooseReason")}</option>
          {REASON_CODES.map((code) => (
            <option key={code} value={code}>
              {t(`moderation.reasons.${code}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`message-${id}`}>{t("moderation.queue.message")}</label>
        <p className="hint" id={`message-hint-${id}`}>
          {t("moderation.queue.messageHint")}
        </p>
        <textarea
          id={`message-${id}`}
          name="message"
          rows={3}
          aria-describedby={`message-hint-${id}`}
          defaultValue={typedValue(ours, "message") ?? ""}
        />
      </div>
    </>
  );
}

function ActionButtons({ intents }: { intents: Intent[] }) {
  const t = useT();
  return (
    <p className="inline-form">
      {intents.map((intent) => (
        <button key={intent} type="submit" name="intent" value={intent} className="button">
          {t(`moderation.queue.${intent}`)}
        </button>
      ))}
    </p>
  );
}

/** Links to the pages of the actions that need more than a button (merge, move, title, block). */
function MoreActions({
  targetType,
  targetId,
  authorId,
}: {
  targetType: string;
  targetId: string;
  authorId: string | null;
}) {
  const t = useT();
  return (
    <p className="inline-form">
      {targetType === "submission" ? (
        <Link to={`/moderation/submissions/${targetId}`}>{t("moderation.queue.moreSubmission")}</Link>
      ) : null}
      {authorId ? (
        <Link to={`/moderation/users/${authorId}`}>
          {t(targetType === "user" ? "moderation.queue.moreUser" : "moderation.queue.moreAuthor")}
        </Link>
      ) : null}
    </p>
  );
}

/** A submission waiting in the queue (pre-moderated, or flagged automatically): claim, then act. */
function QueueSubmission({
  item,
  me,
  result,
  domId,
  reasonsId,
  heading,
  intents,
  children,
}: {
  item: { submissionId: string; title: string; authorId: string; canAct: boolean; claim: Claim };
  me: string;
  result: Result;
  domId: string;
  reasonsId: string;
  heading: ReactNode;
  intents: Intent[];
  /** The line under the heading. */
  children: ReactNode;
}) {
  const t = useT();
  const key = `submission:${item.submissionId}`;
  return (
    <li id={domId} className="card stack">
      <h3>{heading}</h3>
      <MoreActions targetType="submission" targetId={item.submissionId} authorId={item.authorId} />
      <p className="muted">{children}</p>
      <ItemErrors result={result} itemKey={key} />
      {!item.canAct ? (
        <p className="muted">{t("moderation.queue.ownContent")}</p>
      ) : (
        <>
          <ClaimState
            claim={item.claim}
            me={me}
            targetType="submission"
            targetId={item.submissionId}
            anchor={domId}
          />
          {item.claim?.moderatorId === me ? (
            <Form method="post" aria-label={t("moderation.queue.actionsFor", { label: item.title })}>
              <Hidden targetType="submission" targetId={item.submissionId} anchor={domId} />
              <ReasonFields id={reasonsId} result={result} itemKey={key} />
              <ActionButtons intents={intents} />
            </Form>
          ) : null}
        </>
      )}
    </li>
  );
}

export default function ModerationQueue() {
  const t = useT();
  const locale = useLocale();
  const { me, flagged, pending, autoFlagged, appeals } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const notice = params.get("notice");
  const revalidator = useRevalidator();
  const [message, announce] = useAnnouncer();
  useRoom(rooms.moderation(), { onReconnect: () => revalidator.revalidate() });
  useSocketEvent("moderation:changed", () => {
    revalidator.revalidate();
    announce(t("moderation.queue.changed"));
  });
  const generalError =
    result && "intent" in result && result.intent === ":" ? <FormErrors result={result} /> : null;

  return (
    <div className="stack">
      <h1>{t("moderation.queue.title")}</h1>
      <p>{t("moderation.queue.intro")}</p>
      <p>
        <Link to="/moderation/log">{t("moderation.log.title")}</Link>
      </p>
      <LiveAnnouncer message={message} />
      {notice && isIntent(notice) ? (
        <p className="notice" role="status">
          {t(`moderation.queue.notice.${notice}`)}
        </p>
      ) : null}
      {generalError}

      <section aria-labelledby="flagged-heading" className="stack">
        <h2 id="flagged-heading">{t("moderation.queue.flagged")}</h2>
        {flagged.length === 0 ? <p>{t("moderation.queue.empty")}</p> : null}
        <ul className="plain stack">
          {flagged.map((item) => {
            const key = `${item.targetType}:${item.targetId}`;
            const domId = `${item.targetType}-${item.targetId}`;
            const label = item.label || t("moderation.queue.gone");
            const mine = item.claim?.moderatorId === me;
            const intents: Intent[] =
              item.targetType === "user"
                ? ["dismiss"]
                : item.targetType === "submission"
                  ? [item.hidden ? "restore" : "hide", "dismiss", "lock", "unlock"]
                  : [item.hidden ? "restore" : "hide", "dismiss"];
            return (
              <li key={key} id={domId} className="card stack">
                <h3>
                  <span className="muted">{t(`moderation.targets.${item.targetType}`)}:</span>{" "}
                  {item.url ? <Link to={item.url}>{label}</Link> : label}
                </h3>
                <p>
                  {t("moderation.queue.openFlags", { count: item.openFlags })}
                  {" · "}
                  {t("moderation.queue.reasons", {
                    reasons: item.reasons.map((r) => t(`moderation.flagReasons.${r}`)).join(", "),
                  })}
                </p>
                {item.hidden ? <p className="badge">{t("moderation.queue.hidden")}</p> : null}
                <MoreActions targetType={item.targetType} targetId={item.targetId} authorId={item.authorId} />
                <ItemErrors result={result} itemKey={key} />
                {!item.canAct ? (
                  <p className="muted">{t("moderation.queue.ownContent")}</p>
                ) : (
                  <>
                    <ClaimState
                      claim={item.claim}
                      me={me}
                      targetType={item.targetType}
                      targetId={item.targetId}
                    />
                    {mine ? (
                      <Form method="post" aria-label={t("moderation.queue.actionsFor", { label })}>
                        <Hidden targetType={item.targetType} targetId={item.targetId} />
                        <ReasonFields id={domId} result={result} itemKey={key} />
                        <ActionButtons intents={intents} />
                      </Form>
                    ) : null}
                  </>
                )}
              </li>
            );
          })}
        </ul>
      </section>

      <section aria-labelledby="pending-heading" className="stack">
        <h2 id="pending-heading">{t("moderation.queue.pending")}</h2>
        {pending.length === 0 ? <p>{t("moderation.queue.empty")}</p> : null}
        <ul className="plain stack">
          {pending.map((item) => (
            <QueueSubmission
              key={item.submissionId}
              item={item}
              me={me}
              result={result}
              domId={`pending-${item.submissionId}`}
              reasonsId={`p-${item.submissionId}`}
              heading={item.title}
              intents={["approve", "reject"]}
            >
              {t("moderation.queue.consultation", { title: item.consultationTitle })}
              {" · "}
              {t("moderation.queue.submittedAt", { date: formatDateTime(locale, item.createdAt) })}
            </QueueSubmission>
          ))}
        </ul>
      </section>

      <section aria-labelledby="auto-heading" className="stack">
        <h2 id="auto-heading">{t("moderation.queue.autoFlagged")}</h2>
        <p className="muted">{t("moderation.queue.autoFlaggedIntro")}</p>
        {autoFlagged.length === 0 ? <p>{t("moderation.queue.empty")}</p> : null}
        <ul className="plain stack">
          {autoFlagged.map((item) => (
            <QueueSubmission
              key={item.submissionId}
              item={item}
              me={me}
              result={result}
              domId={`auto-${item.submissionId}`}
              reasonsId={`a-${item.submissionId}`}
              heading={<Link to={`/submissions/${item.submissionId}`}>{item.title}</Link>}
              intents={["hide", "on-topic"]}
            >
              {t("moderation.queue.offTopicScore", {
                percent: formatNumber(locale, Math.round(item.confidence * 100)),
              })}
              {" · "}
              {t("moderation.queue.consultation", { title: item.consultationTitle })}
            </QueueSubmission>
          ))}
        </ul>
      </section>

      <section aria-labelledby="appeals-heading" className="stack">
        <h2 id="appeals-heading">{t("moderation.queue.appeals")}</h2>
        {appeals.length === 0 ? <p>{t("moderation.queue.empty")}</p> : null}
        <ul className="plain stack">
          {appeals.map((item) => {
            const key = `appeal:${item.appealId}`;
            const ours = result && "intent" in result && result.intent === key ? result : undefined;
            const about = t("moderation.queue.appealAbout", {
              action: t(`moderation.actions.${item.action.action}`),
              target: t(`moderation.targets.${item.action.targetType}`),
              reason: t(`moderation.reasons.${item.reasonCode}`),
            });
            return (
              <li key={key} id={`appeal-${item.appealId}`} className="card stack">
                <h3>{about}</h3>
                <p className="muted">
                  {t("moderation.queue.submittedAt", { date: formatDateTime(locale, item.createdAt) })}
                </p>
                <blockquote aria-label={t("moderation.queue.appealText")}>{item.text}</blockquote>
                <MoreActions
                  targetType={item.action.targetType}
                  targetId={item.action.targetId}
                  authorId={item.appellantId}
                />
                <ItemErrors result={result} itemKey={key} />
                {!item.canDecide ? (
                  <p className="muted">{t("moderation.queue.ownDecision")}</p>
                ) : (
                  <Form method="post" aria-label={about}>
                    <Hidden targetType="appeal" targetId={item.appealId} anchor={`appeal-${item.appealId}`} />
                    <fieldset>
                      <legend>{t("moderation.queue.decision")}</legend>
                      <label className="inline-check">
                        <input
                          type="radio"
                          name="uphold"
                          value="true"
                          defaultChecked={typedValue(ours, "uphold") === "true"}
                        />{" "}
                        {t("moderation.queue.uphold")}
                      </label>
                      <label className="inline-check">
                        <input
                          type="radio"
                          name="uphold"
                          value="false"
                          defaultChecked={typedValue(ours, "uphold") === "false"}
                        />{" "}
                        {t("moderation.queue.rejectAppeal")}
                      </label>
                    </fieldset>
                    <div className="field">
                      <label htmlFor={`decision-${item.appealId}`}>
                        {t("moderation.queue.decisionReason")}
                      </label>
                      <textarea
                        id={`decision-${item.appealId}`}
                        name="reason"
                        rows={3}
                        defaultValue={typedValue(ours, "reason") ?? ""}
                      />
                    </div>
                    <ActionButtons intents={["decide"]} />
                  </Form>
                )}
              </li>
            );
          })}
        </ul>
      </section>
    </div>
  );
}
