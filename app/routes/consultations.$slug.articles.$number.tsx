import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CommentThread } from "~/components/comment-thread.tsx";
import { getUser, requireUser } from "~/domain/accounts/auth.server.ts";
import { can } from "~/domain/accounts/policy.ts";
import { handleCommentIntent, isCommentIntent } from "~/domain/comments/comment-form.server.ts";
import { commentSortSchema } from "~/domain/comments/comments.schema.ts";
import { getMyVotes, getThread } from "~/domain/comments/comments.server.ts";
import { getPublicArticle } from "~/domain/consultations/consultations.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction<typeof loader> = ({ data: d, matches }) =>
  pageTitle(matches, "consultations.page.metaTitle", {
    title: d ? `${d.article.number}. ${d.article.title} · ${d.article.consultation.title}` : "",
  });

function articleNumber(raw: string | undefined): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 10_000)
    throw new Response("consultations.errors.articleNotFound", { status: 404 });
  return n;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  const url = new URL(request.url);
  const sort = commentSortSchema.parse(url.searchParams.get("sort") ?? undefined) ?? "oldest";
  const cpage = Math.max(1, Number.parseInt(url.searchParams.get("cpage") ?? "1", 10) || 1);
  const [user, article] = await Promise.all([
    getUser(request),
    getPublicArticle(db, params.slug ?? "", articleNumber(params.number)).catch(throwAsResponse),
  ]);
  const target = { articleId: article.id };
  const [thread, myVotes] = await Promise.all([
    getThread(db, target, sort, cpage),
    user ? getMyVotes(db, user.id, target) : Promise.resolve({}),
  ]);
  const open = article.consultation.openForInput && !article.lockedAt;
  return {
    article,
    thread,
    myVotes,
    loadedAt: new Date().toISOString(),
    canComment: open && can(user, "comment.create"),
    closedReason: !article.consultation.openForInput
      ? "comments.errors.closed"
      : article.lockedAt
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
  const article = await getPublicArticle(getDb(), params.slug ?? "", articleNumber(params.number)).catch(
    throwAsResponse,
  );
  const intent = form.get("intent");
  if (!isCommentIntent(intent)) throw new Response("errors.invalid", { status: 400 });
  return handleCommentIntent(form, user, { articleId: article.id }, intent);
}

export default function ArticlePage() {
  const t = useT();
  const d = useLoaderData<typeof loader>();
  const a = d.article;
  const index = d.article.articles.findIndex((x) => x.number === a.number);
  const prev = index > 0 ? d.article.articles[index - 1] : null;
  const next = index >= 0 && index < d.article.articles.length - 1 ? d.article.articles[index + 1] : null;
  const slug = a.consultation.slug;
  return (
    <div className="stack">
      <nav aria-label={t("consultations.page.breadcrumb")}>
        <Link to={`/consultations/${slug}`}>{a.consultation.title}</Link>
      </nav>
      <article className="stack" aria-labelledby="article-title">
        <h1 id="article-title">{t("consultations.article.label", { number: a.number, title: a.title })}</h1>
        <div className="prose" dangerouslySetInnerHTML={{ __html: a.bodyHtml }} />
      </article>
      <nav aria-label={t("consultations.article.nav")} className="pagination">
        {prev ? (
          <Link to={`/consultations/${slug}/articles/${prev.number}`} rel="prev">
            {t("consultations.article.previous", { number: prev.number })}
          </Link>
        ) : null}
        {next ? (
          <Link to={`/consultations/${slug}/articles/${next.number}`} rel="next">
            {t("consultations.article.next", { number: next.number })}
          </Link>
        ) : null}
      </nav>
      <CommentThread
        consultationId={a.consultation.id}
        consultationSlug={slug}
        target={{ articleId: a.id }}
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
