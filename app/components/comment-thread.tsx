import { Link, useFetcher, useLocation, useRevalidator } from "@remix-run/react";
import { useEffect, useRef, useState } from "react";
import { COMMENT_LIMITS, COMMENT_SORTS, type CommentSort } from "~/domain/comments/comments.schema.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useRootData, useT } from "~/i18n/useT.ts";
import { useRoom, useSocketEvent } from "~/realtime/client.ts";
import type { CommentView, ThreadNode } from "~/realtime/events.ts";
import { rooms } from "~/realtime/rooms.ts";
import { FlagForm } from "./flag-form.tsx";
import { CsrfInput } from "./forms.tsx";
import { LiveAnnouncer, NewItemsButton, OfflineHint, useAnnouncer, useHydrated } from "./live.tsx";
import { Pagination } from "./pagination.tsx";

type Result =
  | { ok: true; intent: string; comment: CommentView | null }
  | {
      ok: false;
      intent?: string;
      formError?: { key: string; params?: Record<string, string | number> };
      fieldErrors?: Record<string, string>;
      values?: Record<string, string>;
    };

interface ThreadProps {
  consultationId: string;
  consultationSlug: string;
  /** What the comments hang on; live events and catch-up are filtered by it. */
  target: { submissionId: string } | { articleId: string };
  comments: ThreadNode[];
  total: number;
  page: number;
  pages: number;
  sort: CommentSort;
  myVotes: Record<string, number>;
  canComment: boolean;
  /** Why commenting is not possible (translation key), when it is not. */
  closedReason?: string | null;
  editWindowMinutes: number;
  loadedAt: string;
}

const ALIGNMENT_ICON: Record<CommentView["alignment"], string> = {
  in_favour: "+",
  against: "−",
  neutral: "•",
};

function matchesTarget(c: CommentView, target: ThreadProps["target"]) {
  return "submissionId" in target ? c.submissionId === target.submissionId : c.articleId === target.articleId;
}

/** Comments with their replies, sort control, forms and live updates. */
export function CommentThread(props: ThreadProps) {
  const t = useT();
  const { user } = useRootData();
  const location = useLocation();
  const revalidator = useRevalidator();
  const hydrated = useHydrated();
  const [pending, setPending] = useState<string[]>([]);
  const pendingRef = useRef<string[]>([]);
  const [changed, setChanged] = useState<Record<string, CommentView>>({});
  const [message, announce] = useAnnouncer();
  const since = useRef(props.loadedAt);

  const known = useRef(new Set<string>());
  known.current = new Set();
  const collect = (nodes: ThreadNode[]) =>
    nodes.forEach((n) => {
      known.current.add(n.id);
      collect(n.replies);
    });
  collect(props.comments);

  useEffect(() => {
    // Fresh loader data holds everything that was waiting.
    pendingRef.current = pendingRef.current.filter((id) => !known.current.has(id));
    setPending(pendingRef.current);
    setChanged({});
  }, [props.comments]);

  const receive = (list: CommentView[]) => {
    const fresh = list.filter(
      (c) => matchesTarget(c, props.target) && !known.current.has(c.id) && c.authorId !== user?.id,
    );
    if (fresh.length === 0) return;
    for (const c of fresh) if (c.createdAt > since.current) since.current = c.createdAt;
    // A ref mirrors the waiting ids, so two events in one tick are both counted, once.
    const next = [...new Set([...pendingRef.current, ...fresh.map((c) => c.id)])];
    pendingRef.current = next;
    setPending(next);
    announce(t("comments.live.newComments", { count: next.length }));
  };
  const targetQuery =
    "submissionId" in props.target
      ? `submission=${props.target.submissionId}`
      : `article=${props.target.articleId}`;
  const connected = useRoom(rooms.consultation(props.consultationId), {
    onReconnect: () => {
      void fetch(
        `/consultations/${props.consultationSlug}/updates?since=${encodeURIComponent(since.current)}&${targetQuery}`,
      )
        .then((r) => (r.ok ? r.json() : null))
        .then((d: { comments: CommentView[] } | null) => d && receive(d.comments))
        .catch(() => {});
    },
  });
  useSocketEvent("comment:new", (c) => receive([c]));
  useSocketEvent("comment:changed", (c) => {
    if (matchesTarget(c, props.target)) setChanged((prev) => ({ ...prev, [c.id]: c }));
  });

  const sortHref = (sort: CommentSort) => {
    const params = new URLSearchParams(location.search);
    params.set("sort", sort);
    params.delete("cpage");
    return `${location.pathname}?${params.toString()}#comments`;
  };

  return (
    <section aria-labelledby="comments-title" className="stack comments" id="comments">
      <h2 id="comments-title">{t("comments.title", { count: props.total })}</h2>
      <nav aria-label={t("comments.sortLabel")} className="chips-nav">
        <span>{t("comments.sortLabel")}:</span>{" "}
        <ul className="plain chips">
          {COMMENT_SORTS.map((s) => (
            <li key={s}>
              <Link to={sortHref(s)} aria-current={props.sort === s ? "true" : undefined} preventScrollReset>
                {t(`comments.sorts.${s}`)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {props.canComment ? (
        <CommentForm formId="new" submitLabel={t("comments.post")} />
      ) : props.closedReason ? (
        <p className="notice">{t(props.closedReason)}</p>
      ) : null}
      <OfflineHint connected={connected} hydrated={hydrated} />
      <LiveAnnouncer message={message} />
      <NewItemsButton
        count={pending.length}
        labelKey="comments.live.showNew"
        onShow={() => {
          revalidator.revalidate();
          pendingRef.current = [];
          setPending([]);
        }}
      />
      {props.comments.length === 0 ? <p>{t("comments.none")}</p> : null}
      <ol className="plain thread">
        {props.comments.map((c) => (
          <CommentItem key={c.id} node={c} changed={changed} thread={props} />
        ))}
      </ol>
      <Pagination page={props.page} pages={props.pages} param="cpage" />
    </section>
  );
}

function CommentItem({
  node,
  changed,
  thread,
}: {
  node: ThreadNode;
  changed: Record<string, CommentView>;
  thread: ThreadProps;
}) {
  const t = useT();
  const locale = useLocale();
  const { user } = useRootData();
  const c = { ...node, ...(changed[node.id] ?? {}) };
  const [replying, setReplying] = useState(false);
  const [editing, setEditing] = useState(false);
  const mine = !!user && c.authorId === user.id;
  const editable =
    mine && !c.deleted && Date.now() - new Date(c.createdAt).getTime() <= thread.editWindowMinutes * 60_000;
  const headingId = `comment-${c.id}-author`;
  return (
    <li id={`comment-${c.id}`} className={`comment depth-${c.depth} align-${c.alignment}`}>
      <article aria-labelledby={headingId}>
        {c.deleted ? (
          <p className="muted" id={headingId}>
            {t("comments.deleted")}
          </p>
        ) : (
          <>
            <header className="comment-head">
              <span className={`alignment align-${c.alignment}`}>
                <span aria-hidden="true">{ALIGNMENT_ICON[c.alignment]}</span>{" "}
                {t(`comments.alignments.${c.alignment}`)}
              </span>
              <strong id={headingId}>{c.authorName || t("common.deletedParticipant")}</strong>
              <time dateTime={c.createdAt}>{formatDateTime(locale, c.createdAt)}</time>
              {c.editedAt ? <span className="muted">{t("comments.edited")}</span> : null}
            </header>
            {editing ? (
              <CommentForm
                formId={`edit-${c.id}`}
                intent="editComment"
                commentId={c.id}
                defaultBody={c.body}
                withAlignment={false}
                submitLabel={t("comments.saveEdit")}
                onDone={() => setEditing(false)}
              />
            ) : (
              <p className="comment-body">{c.body}</p>
            )}
            <div className="comment-actions">
              {user ? (
                <Votes comment={c} myVote={thread.myVotes[c.id] ?? 0} enabled={!mine} />
              ) : (
                <VoteCounts comment={c} />
              )}
              {thread.canComment && c.depth < COMMENT_LIMITS.maxDepth ? (
                <button
                  type="button"
                  className="link-button"
                  aria-expanded={replying}
                  onClick={() => setReplying((r) => !r)}
                >
                  {t("comments.reply")}
                </button>
              ) : null}
              {editable && !editing ? (
                <button type="button" className="link-button" onClick={() => setEditing(true)}>
                  {t("comments.edit")}
                </button>
              ) : null}
              {mine ? <DeleteComment commentId={c.id} /> : null}
              {user && !mine ? <FlagForm targetType="comment" targetId={c.id} /> : null}
            </div>
          </>
        )}
        {replying ? (
          <CommentForm
            formId={`reply-${c.id}`}
            parentId={c.id}
            submitLabel={t("comments.postReply")}
            label={t("comments.replyTo", { name: c.authorName || t("common.deletedParticipant") })}
            onDone={() => setReplying(false)}
          />
        ) : null}
      </article>
      {node.replies.length > 0 ? (
        <ol className="plain thread replies">
          {node.replies.map((r) => (
            <CommentItem key={r.id} node={r} changed={changed} thread={thread} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

function CommentForm({
  formId,
  intent = "comment",
  parentId,
  commentId,
  defaultBody,
  withAlignment = true,
  submitLabel,
  label,
  onDone,
}: {
  formId: string;
  intent?: "comment" | "editComment";
  parentId?: string;
  commentId?: string;
  defaultBody?: string;
  withAlignment?: boolean;
  submitLabel: string;
  label?: string;
  onDone?: () => void;
}) {
  const t = useT();
  const fetcher = useFetcher<Result>();
  const [formKey, setFormKey] = useState(0);
  const result = fetcher.data && fetcher.data.intent === formId ? fetcher.data : undefined;
  const failed = result && !result.ok ? result : undefined;
  const bodyError =
    failed?.fieldErrors?.body ??
    (failed && !failed.fieldErrors?.alignment ? failed.formError?.key : undefined);
  const alignmentError = failed?.fieldErrors?.alignment;
  const ids = { body: `${formId}-body`, error: `${formId}-error`, alignment: `${formId}-alignment` };
  useEffect(() => {
    if (fetcher.state === "idle" && result?.ok) {
      setFormKey((k) => k + 1); // a fresh, empty form after success
      onDone?.();
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.state, result]);
  return (
    <fetcher.Form method="post" className="comment-form stack" key={formKey} noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="formId" value={formId} />
      {parentId ? <input type="hidden" name="parentId" value={parentId} /> : null}
      {commentId ? <input type="hidden" name="commentId" value={commentId} /> : null}
      <div className="field">
        <label htmlFor={ids.body}>{label ?? t("comments.yourComment")}</label>
        {bodyError ? (
          <p className="field-error" id={ids.error} role="alert">
            {t(bodyError, failed?.formError?.params)}
          </p>
        ) : null}
        <textarea
          id={ids.body}
          name="body"
          rows={4}
          maxLength={COMMENT_LIMITS.bodyMax}
          required
          defaultValue={failed?.values?.body ?? defaultBody ?? ""}
          aria-invalid={bodyError ? true : undefined}
          aria-describedby={bodyError ? ids.error : undefined}
        />
      </div>
      {withAlignment ? (
        <fieldset className="field alignment-choice">
          <legend>{t("comments.alignmentLegend")}</legend>
          {alignmentError ? <p className="field-error">{t(alignmentError)}</p> : null}
          {(["in_favour", "against", "neutral"] as const).map((a) => (
            <span className="inline-check" key={a}>
              <input
                type="radio"
                id={`${ids.alignment}-${a}`}
                name="alignment"
                value={a}
                defaultChecked={(failed?.values?.alignment || "neutral") === a}
              />
              <label htmlFor={`${ids.alignment}-${a}`} className={`alignment align-${a}`}>
                <span aria-hidden="true">{ALIGNMENT_ICON[a]}</span> {t(`comments.alignments.${a}`)}
              </label>
            </span>
          ))}
        </fieldset>
      ) : null}
      <p>
        <button type="submit" className="button primary" disabled={fetcher.state !== "idle"}>
          {submitLabel}
        </button>
      </p>
    </fetcher.Form>
  );
}

function Votes({ comment, myVote, enabled }: { comment: CommentView; myVote: number; enabled: boolean }) {
  const t = useT();
  const fetcher = useFetcher<Result>();
  // Show the vote being sent at once; the server's answer (or the next load) confirms it.
  const sending = fetcher.formData?.get("value");
  const current = sending === "up" ? 1 : sending === "down" ? -1 : sending === "none" ? 0 : myVote;
  const failed = fetcher.data && !fetcher.data.ok ? fetcher.data : undefined;
  return (
    <fetcher.Form method="post" className="votes" aria-label={t("comments.votesLabel")}>
      <CsrfInput />
      <input type="hidden" name="intent" value="vote" />
      <input type="hidden" name="formId" value={`vote-${comment.id}`} />
      <input type="hidden" name="commentId" value={comment.id} />
      <button
        type="submit"
        name="value"
        value={current === 1 ? "none" : "up"}
        className="vote up"
        aria-pressed={current === 1}
        disabled={!enabled}
      >
        {/* The name is in the text, not in aria-label: a label must contain the visible text (WCAG 2.5.3). */}
        <span aria-hidden="true">▲ {comment.upvotes}</span>
        <span className="visually-hidden">{t("comments.upvote", { count: comment.upvotes })}</span>
      </button>
      <button
        type="submit"
        name="value"
        value={current === -1 ? "none" : "down"}
        className="vote down"
        aria-pressed={current === -1}
        disabled={!enabled}
      >
        {/* The name is in the text, not in aria-label: a label must contain the visible text (WCAG 2.5.3). */}
        <span aria-hidden="true">▼ {comment.downvotes}</span>
        <span className="visually-hidden">{t("comments.downvote", { count: comment.downvotes })}</span>
      </button>
      {failed?.formError ? (
        <span className="field-error" role="alert">
          {t(failed.formError.key, failed.formError.params)}
        </span>
      ) : null}
    </fetcher.Form>
  );
}

/** Visitors see the counts only (no form per comment: long threads stay light). */
function VoteCounts({ comment }: { comment: CommentView }) {
  const t = useT();
  return (
    <span className="vote-counts">
      <span className="visually-hidden">
        {t("comments.upvote", { count: comment.upvotes })},{" "}
        {t("comments.downvote", { count: comment.downvotes })}
      </span>
      <span aria-hidden="true">
        ▲ {comment.upvotes} ▼ {comment.downvotes}
      </span>
    </span>
  );
}

function DeleteComment({ commentId }: { commentId: string }) {
  const t = useT();
  const fetcher = useFetcher<Result>();
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" className="link-button" onClick={() => setConfirming(true)}>
        {t("comments.delete")}
      </button>
    );
  }
  return (
    <fetcher.Form method="post" className="inline-form" role="group" aria-label={t("comments.deleteConfirm")}>
      <CsrfInput />
      <input type="hidden" name="intent" value="deleteComment" />
      <input type="hidden" name="formId" value={`delete-${commentId}`} />
      <input type="hidden" name="commentId" value={commentId} />
      <span>{t("comments.deleteConfirm")}</span>{" "}
      <button type="submit" className="button danger">
        {t("comments.deleteYes")}
      </button>{" "}
      <button type="button" className="button" onClick={() => setConfirming(false)}>
        {t("comments.deleteNo")}
      </button>
    </fetcher.Form>
  );
}
