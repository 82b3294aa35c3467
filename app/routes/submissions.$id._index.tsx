import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { AnalysisLabels } from "~/components/analysis-labels.tsx";
import { CommentThread } from "~/components/comment-thread.tsx";
import { CsrfInput } from "~/components/forms.tsx";
import { byline } from "~/components/submission-card.tsx";
import { LiveAnnouncer, useAnnouncer } from "~/components/live.tsx";
import { FlagForm } from "~/components/flag-form.tsx";
import { FollowButton } from "~/components/follow-button.tsx";
import { PriorityExplanation } from "~/components/priority-explanation.tsx";
import { getUser, requireUser } from "~/domain/accounts/auth.server.ts";
import { handleLabelIntent, isLabelIntent, labelsForPage } from "~/domain/analysis/labels.server.ts";
import { isFollowing } from "~/domain/notifications/notifications.server.ts";
import { explainPriority } from "~/domain/priority/priority.server.ts";
import { can } from "~/domain/accounts/policy.ts";
import { handleCommentIntent, isCommentIntent } from "~/domain/comments/comment-form.server.ts";
import { commentSortSchema } from "~/domain/comments/comments.schema.ts";
import { getMyVotes, getThread } from "~/domain/comments/comments.server.ts";
import {
  getSubmissionPage,
  supportSubmission,
  withdrawSupport,
} from "~/domain/submissions/submissions.server.ts";
import { formatDate, formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useRootData, useT } from "~/i18n/useT.ts";
import { useSocketEvent } from "~/realtime/client.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { actionError, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction<typeof loader> = ({ data: d, matches }) =>
  pageTitle(matches, "consultations.page.metaTitle", { title: d?.submission.title ?? "" });

const UUID = /^[0-9a-f-]{36}$/;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const id = params.id ?? "";
  if (!UUID.test(id)) throw new Response("submissions.errors.notFound", { status: 404 });
  const db = getDb();
  const url = new URL(request.url);
  const sort = commentSortSchema.parse(url.searchParams.get("sort") ?? undefined) ?? "oldest";
  const cpage = Math.max(1, Number.parseInt(url.searchParams.get("cpage") ?? "1", 10) || 1);
  const user = await getUser(request);
  const page = await getSubmissionPage(db, id, user).catch(throwAsResponse);
  if (page.redirectTo) throw redirect(page.redirectTo, 301);
  const target = { submissionId: id };
  // "Why it is ranked here": published submissions only (the others are not ranked).
  const [thread, myVotes, following, analysis, priority] = await Promise.all([
    getThread(db, target, sort, cpage),
    user ? getMyVotes(db, user.id, target) : Promise.resolve({}),
    user && page.submission.status === "published"
      ? isFollowing(db, user.id, { targetType: "submission", targetId: id })
      : false,
    labelsForPage(db, id, user),
    page.submission.status === "published" ? explainPriority(db, id) : null,
  ]);
  const open =
    page.consultation.openForInput && page.submission.status === "published" && !page.submission.locked;
  return {
    ...page,
    thread,
    myVotes,
    following,
    analysis,
    priority,
    signedIn: !!user,
    loadedAt: new Date().toISOString(),
    canComment: open && can(user, "comment.create"),
    closedReason: !page.consultation.openForInput
      ? "comments.errors.closed"
      : page.submission.locked
        ? "comments.errors.locked"
        : !user
          ? "comments.loginToComment"
          : !user.emailVerified
            ? "submissions.errors.verifyFirst"
            : null,
    editWindowMinutes: getEnv().COMMENT_EDIT_MINUTES,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const id = params.id ?? "";
  const intent = form.get("intent");
  if (isCommentIntent(intent)) return handleCommentIntent(form, user, { submissionId: id }, intent);
  if (isLabelIntent(intent)) return handleLabelIntent(form, user, id, intent);
  const db = getDb();
  try {
    if (intent === "support") {
      const r = await supportSubmission(db, user, id);
      return { ok: true as const, intent: "support", supportCount: r.supportCount };
    }
    if (intent === "unsupport") {
      const r = await withdrawSupport(db, user, id);
      return { ok: true as const, intent: "support", supportCount: r.supportCount };
    }
    throw new Response("errors.invalid", { status: 400 });
  } catch (error) {
    return actionError(error, undefined, "support");
  }
}

export default function SubmissionPage() {
  const t = useT();
  const locale = useLocale();
  const d = useLoaderData<typeof loader>();
  const s = d.submission;
  const isModerator = !!useRootData().user?.roles.includes("moderator");
  return (
    <div className="stack">
      <nav aria-label={t("consultations.page.breadcrumb")}>
        <Link to={`/consultations/${d.consultation.slug}`}>{d.consultation.title}</Link>
      </nav>
      <article className="stack submission" aria-labelledby="submission-title">
        <header className="stack">
          <p className="meta">
            <span className={`badge kind-${s.kind}`}>{t(`submissions.kinds.${s.kind}`)}</span>
            {s.status !== "published" ? (
              <span className={`badge status-${s.status}`}>{t(`submissions.statuses.${s.status}`)}</span>
            ) : null}
          </p>
          <h1 id="submission-title">{s.title}</h1>
          <p className="meta">
            <span>{byline(t, s)}</span>
            {s.municipalityName ? <span>{s.municipalityName}</span> : null}
            <time dateTime={s.createdAt}>{formatDateTime(locale, s.createdAt)}</time>
            {s.editedAt ? <span className="muted">{t("comments.edited")}</span> : null}
          </p>
        </header>
        {s.status === "withdrawn" ? (
          <p className="notice">
            {t("submissions.withdrawnOn", { date: formatDate(locale, s.withdrawnAt ?? s.createdAt) })}{" "}
            {s.withdrawalReason}
          </p>
        ) : null}
        {s.status === "pending_review" ? <p className="notice">{t("submissions.pendingReview")}</p> : null}
        <div className="prose" dangerouslySetInnerHTML={{ __html: s.bodyHtml }} />
        {s.targetGroups.length > 0 ? (
          <ul className="plain tags" aria-label={t("submissions.fields.targetGroups")}>
            {s.targetGroups.map((g) => (
              <li key={g.key} className="group">
                {locale === "en" ? g.nameEn : g.nameEl}
              </li>
            ))}
          </ul>
        ) : null}
        {s.response ? (
          <section className="card response" aria-labelledby="response-title">
            <h2 id="response-title">{t("submissions.response.title")}</h2>
            <p>
              <strong>{t(`submissions.response.${s.response.disposition}`)}</strong>
            </p>
            <p>{s.response.reason}</p>
          </section>
        ) : null}
        <div className="submission-actions">
          {s.kind === "proposal" ? <SupportControl /> : null}
          {d.signedIn && s.status === "published" ? (
            <FollowButton targetType="submission" targetId={s.id} following={d.following} />
          ) : null}
          {d.signedIn && s.status === "published" && !d.viewer.isAuthor ? (
            <FlagForm targetType="submission" targetId={s.id} />
          ) : null}
          {isModerator ? (
            <Link to={`/moderation/submissions/${s.id}`} className="button">
              {t("moderation.submission.link")}
            </Link>
          ) : null}
          {d.viewer.canEdit || d.viewer.canWithdraw ? (
            <Link to={`/submissions/${s.id}/edit`} className="button">
              {t(d.viewer.canEdit ? "submissions.editOrWithdraw" : "submissions.withdraw.action")}
            </Link>
          ) : null}
        </div>
      </article>
      {s.status === "published" ? <PriorityExplanation data={d.priority} /> : null}
      <AnalysisLabels analysis={d.analysis} submissionId={s.id} consultationId={d.consultation.id} />
      <CommentThread
        consultationId={d.consultation.id}
        consultationSlug={d.consultation.slug}
        target={{ submissionId: s.id }}
        comments={d.thread.comments}
        total={d.thread.total}
        page={d.thread.page}
        pages={d.thread.pages}
        sort={d.thread.sort}
        myVotes={d.myVotes}
        canComment={d.canComment}
        closedReason={d.closedReason}
        editWindowMinutes={d.editWindowMinutes}
        loadedAt={d.loadedAt}
      />
    </div>
  );
}

type SupportResult =
  | { ok: true; intent: string; supportCount: number }
  | { ok: false; formError?: { key: string; params?: Record<string, string | number> } };

/** Support / withdraw support, with the count kept live. */
function SupportControl() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const { user } = useRootData();
  const fetcher = useFetcher<SupportResult>();
  const [message, announce] = useAnnouncer();
  const s = d.submission;
  const [live, setLive] = useState(s.supportCount);
  // New loader data (after our own action or a reload) is the truth again.
  useEffect(() => setLive(s.supportCount), [s.supportCount]);
  const sending = fetcher.formData?.get("intent");
  const supported = sending ? sending === "support" : d.viewer.supported;
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : undefined;
  useSocketEvent("submission:counts", (u) => {
    if (u.id === s.id && u.supportCount !== live) {
      setLive(u.supportCount);
      announce(t("submissions.supports", { count: u.supportCount }));
    }
  });
  return (
    <div className="support">
      <p className="support-count" aria-live="off">
        {t("submissions.supports", { count: live })}
      </p>
      <LiveAnnouncer message={message} />
      {d.viewer.canSupport && user ? (
        <fetcher.Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value={supported ? "unsupport" : "support"} />
          <button type="submit" className={`button${supported ? "" : " primary"}`} aria-pressed={supported}>
            {t(supported ? "submissions.supported" : "submissions.support")}
          </button>
        </fetcher.Form>
      ) : !user && d.viewer.canSupport ? (
        <Link to={`/login?redirectTo=${encodeURIComponent(`/submissions/${s.id}`)}`}>
          {t("submissions.loginToSupport")}
        </Link>
      ) : null}
      {failed?.formError ? (
        <p className="field-error" role="alert">
          {t(failed.formError.key, failed.formError.params)}
        </p>
      ) : null}
    </div>
  );
}
