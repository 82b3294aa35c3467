/**
 * /moderation/submissions/:id: a moderator's actions on one submission that need more than the queue's
 * buttons: merge it into another submission of its consultation (found by id, link or title search, both
 * shown before confirming), move it to another consultation, or edit its title (personal data; the original
 * stays in the log). Each carries a rule and a message that the domain sends to the author. A moderator's
 * own submission shows the refusal instead of the forms; the domain refuses it again on post.
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { ModerationReasonFields } from "~/components/moderation-reason-fields.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { canModerate } from "~/domain/moderation/moderation.policy.ts";
import { editTitle, mergeSubmissions, moveSubmission } from "~/domain/moderation/moderation.server.ts";
import { SUBMISSION_LIMITS } from "~/domain/submissions/submissions.schema.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb, type Db } from "~/utils/db.server.ts";
import { actionError, Invalid } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.submission.title");

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;
const INTENTS = ["merge", "move", "editTitle"] as const;
type Intent = (typeof INTENTS)[number];
const isIntent = (v: unknown): v is Intent => INTENTS.includes(v as Intent);

async function loadSubmission(db: Db, id: string) {
  return db.submission.findUnique({
    where: { id },
    select: {
      id: true,
      title: true,
      originalTitle: true,
      status: true,
      authorId: true,
      supportCount: true,
      commentCount: true,
      createdAt: true,
      lockedAt: true,
      mergedIntoId: true,
      author: { select: { displayName: true } },
      consultation: { select: { id: true, title: true, slug: true } },
    },
  });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireCan(request, "moderation.access");
  const id = params.id ?? "";
  const db = getDb();
  const s = UUID.test(id) ? await loadSubmission(db, id) : null;
  if (!s) throw new Response("moderation.errors.notFound", { status: 404 });
  const url = new URL(request.url);
  // The merge target: an id, or any link that contains one (e.g. the submission's address).
  const targetText = (url.searchParams.get("target") ?? "").trim().slice(0, 500);
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  const targetId = UUID.exec(targetText)?.[0] ?? null;
  const target = targetId && targetId !== s.id ? await loadSubmission(db, targetId) : null;
  const targetProblem = !targetText
    ? null
    : !targetId || !target
      ? "moderation.errors.mergeTargetNotFound"
      : target.consultation.id !== s.consultation.id
        ? "moderation.errors.mergeOtherConsultation"
        : target.status !== "published"
          ? "moderation.errors.mergeNotPublished"
          : null;
  const [candidates, consultations] = await Promise.all([
    q
      ? db.submission.findMany({
          where: {
            consultationId: s.consultation.id,
            status: "published",
            id: { not: s.id },
            title: { contains: q, mode: "insensitive" },
          },
          orderBy: { supportCount: "desc" },
          take: 20,
          select: { id: true, title: true, supportCount: true, author: { select: { displayName: true } } },
        })
      : Promise.resolve([]),
    db.consultation.findMany({
      where: { phase: { not: "draft" }, id: { not: s.consultation.id } },
      orderBy: { title: "asc" },
      select: { id: true, title: true },
    }),
  ]);
  return {
    submission: s,
    canAct: canModerate(user, "merge", { authorIds: [s.authorId] }),
    // A merge also needs the target's author to be someone else.
    canMergeTarget: target ? canModerate(user, "merge", { authorIds: [target.authorId] }) : true,
    targetText,
    target: target && !targetProblem ? target : null,
    targetProblem,
    q,
    candidates,
    consultations,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const user = await requireCan(request, "moderation.access");
  const db = getDb();
  const id = params.id ?? "";
  const intent = form.get("intent");
  const str = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const reason = { reasonCode: str("reasonCode") || undefined, message: str("message") };
  const values = {
    reasonCode: str("reasonCode"),
    message: str("message"),
    title: str("title"),
    consultationId: str("consultationId"),
    targetId: str("targetId"),
  };
  let to = `/moderation/submissions/${id}`;
  try {
    if (!isIntent(intent)) throw new Invalid({}, "moderation.queue.invalidIntent");
    switch (intent) {
      case "merge": {
        await mergeSubmissions(db, user, { sourceId: id, targetId: str("targetId"), ...reason });
        // The merged submission now redirects: carry on from the one that remains.
        to = `/moderation/submissions/${str("targetId")}`;
        break;
      }
      case "move":
        await moveSubmission(db, user, {
          submissionId: id,
          consultationId: str("consultationId"),
          ...reason,
        });
        break;
      case "editTitle":
        await editTitle(db, user, { submissionId: id, title: str("title"), ...reason });
        break;
    }
  } catch (error) {
    return actionError(error, values, typeof intent === "string" ? intent : "");
  }
  publish(rooms.moderation(), "moderation:changed", { targetType: "submission", targetId: id });
  return redirect(`${to}?notice=${intent}`);
}

type Result = ReturnType<typeof useActionData<typeof action>>;

function resultFor(result: Result, intent: Intent) {
  return result && "intent" in result && result.intent === intent ? result : undefined;
}

export default function ModerateSubmission() {
  const t = useT();
  const locale = useLocale();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const notice = params.get("notice");
  const s = d.submission;
  const merge = resultFor(result, "merge");
  const move = resultFor(result, "move");
  const edit = resultFor(result, "editTitle");
  return (
    <div className="stack">
      <nav aria-label={t("moderation.submission.breadcrumb")}>
        <Link to="/moderation">{t("moderation.queue.title")}</Link>
      </nav>
      <h1>{t("moderation.submission.title")}</h1>
      {notice && isIntent(notice) ? (
        <p className="notice" role="status">
          {t(`moderation.submission.done.${notice}`)}
        </p>
      ) : null}
      <section className="card stack" aria-labelledby="sub-heading">
        <h2 id="sub-heading">
          <Link to={`/submissions/${s.id}`}>{s.title}</Link>
        </h2>
        <dl className="facts">
          <dt>{t("moderation.submission.author")}</dt>
          <dd>
            <Link to={`/moderation/users/${s.authorId}`}>{s.author.displayName}</Link>
          </dd>
          <dt>{t("moderation.submission.consultation")}</dt>
          <dd>
            <Link to={`/consultations/${s.consultation.slug}`}>{s.consultation.title}</Link>
          </dd>
          <dt>{t("moderation.submission.status")}</dt>
          <dd>{t(`submissions.statuses.${s.status}`)}</dd>
          <dt>{t("moderation.submission.supports")}</dt>
          <dd>{s.supportCount}</dd>
          <dt>{t("moderation.submission.created")}</dt>
          <dd>{formatDateTime(locale, s.createdAt)}</dd>
          {s.originalTitle ? (
            <>
              <dt>{t("moderation.submission.originalTitle")}</dt>
              <dd>{s.originalTitle}</dd>
            </>
          ) : null}
        </dl>
        {s.status === "merged" && s.mergedIntoId ? (
          <p>
            <Link to={`/moderation/submissions/${s.mergedIntoId}`}>
              {t("moderation.submission.mergedInto")}
            </Link>
          </p>
        ) : null}
      </section>

      {!d.canAct ? <FormErrors result={result} /> : null}
      {!d.canAct ? (
        <p className="notice" role="note">
          {t("moderation.submission.ownContent")}
        </p>
      ) : (
        <>
          <section className="card stack" aria-labelledby="merge-heading" id="merge">
            <h2 id="merge-heading">{t("moderation.submission.merge.title")}</h2>
            <p>{t("moderation.submission.merge.intro")}</p>
            <Form method="get" className="stack" aria-labelledby="merge-heading">
              <Field
                label={t("moderation.submission.merge.target")}
                hint={t("moderation.submission.merge.targetHint")}
                name="target"
                defaultValue={d.targetText}
                error={d.targetProblem ?? undefined}
              />
              <Field
                label={t("moderation.submission.merge.search")}
                name="q"
                type="search"
                defaultValue={d.q}
              />
              <button type="submit" className="button">
                {t("moderation.submission.merge.find")}
              </button>
            </Form>
            {d.q ? (
              d.candidates.length === 0 ? (
                <p role="status">{t("moderation.submission.merge.noResults")}</p>
              ) : (
                <ul className="plain stack" aria-label={t("moderation.submission.merge.results")}>
                  {d.candidates.map((c) => (
                    <li key={c.id}>
                      <Link to={`?target=${c.id}&q=${encodeURIComponent(d.q)}#merge`}>{c.title}</Link>{" "}
                      <span className="muted">
                        {t("moderation.submission.merge.byline", {
                          name: c.author.displayName,
                          count: c.supportCount,
                        })}
                      </span>
                    </li>
                  ))}
                </ul>
              )
            ) : null}
            {d.target ? (
              <div className="stack">
                <h3>{t("moderation.submission.merge.confirmTitle")}</h3>
                <div className="table-wrap">
                  <table>
                    <caption>{t("moderation.submission.merge.compare")}</caption>
                    <thead>
                      <tr>
                        <td />
                        <th scope="col">{t("moderation.submission.merge.source")}</th>
                        <th scope="col">{t("moderation.submission.merge.into")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      <tr>
                        <th scope="row">{t("moderation.submission.merge.titleRow")}</th>
                        <td>{s.title}</td>
                        <td>
                          <Link to={`/submissions/${d.target.id}`}>{d.target.title}</Link>
                        </td>
                      </tr>
                      <tr>
                        <th scope="row">{t("moderation.submission.author")}</th>
                        <td>{s.author.displayName}</td>
                        <td>{d.target.author.displayName}</td>
                      </tr>
                      <tr>
                        <th scope="row">{t("moderation.submission.supports")}</th>
                        <td>{s.supportCount}</td>
                        <td>{d.target.supportCount}</td>
                      </tr>
                    </tbody>
                  </table>
                </div>
                <p>{t("moderation.submission.merge.explain")}</p>
                {!d.canMergeTarget ? (
                  <p className="notice" role="note">
                    {t("moderation.submission.ownContent")}
                  </p>
                ) : null}
                <FormErrors result={merge} />
                <Form method="post" className="stack" aria-labelledby="merge-heading">
                  <CsrfInput />
                  <input type="hidden" name="targetId" value={d.target.id} />
                  <ModerationReasonFields id="merge" result={merge} defaultReason="duplicate" />
                  <button type="submit" name="intent" value="merge" className="button primary">
                    {t("moderation.submission.merge.confirm", { source: s.title, target: d.target.title })}
                  </button>
                </Form>
              </div>
            ) : merge ? (
              <FormErrors result={merge} />
            ) : null}
          </section>

          <section className="card stack" aria-labelledby="move-heading">
            <h2 id="move-heading">{t("moderation.submission.move.title")}</h2>
            <FormErrors result={move} />
            <Form method="post" className="stack" aria-labelledby="move-heading">
              <CsrfInput />
              <div className="field">
                <label htmlFor="move-consultation">{t("moderation.submission.move.to")}</label>
                {fieldError(move, "consultationId") ? (
                  <p className="field-error" id="move-consultation-error">
                    {t(fieldError(move, "consultationId")!)}
                  </p>
                ) : null}
                <select
                  id="move-consultation"
                  name="consultationId"
                  defaultValue={typedValue(move, "consultationId") ?? ""}
                  aria-invalid={fieldError(move, "consultationId") ? true : undefined}
                  aria-describedby={
                    fieldError(move, "consultationId") ? "move-consultation-error" : undefined
                  }
                >
                  <option value="">{t("moderation.submission.move.choose")}</option>
                  {d.consultations.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.title}
                    </option>
                  ))}
                </select>
              </div>
              <ModerationReasonFields id="move" result={move} defaultReason="wrong_consultation" />
              <button type="submit" name="intent" value="move" className="button">
                {t("moderation.submission.move.submit")}
              </button>
            </Form>
          </section>

          <section className="card stack" aria-labelledby="title-heading">
            <h2 id="title-heading">{t("moderation.submission.editTitle.title")}</h2>
            <p>{t("moderation.submission.editTitle.intro")}</p>
            <FormErrors result={edit} />
            <Form method="post" className="stack" aria-labelledby="title-heading">
              <CsrfInput />
              <Field
                label={t("moderation.submission.editTitle.field")}
                name="title"
                maxLength={SUBMISSION_LIMITS.titleMax}
                defaultValue={typedValue(edit, "title") ?? s.title}
                error={fieldError(edit, "title")}
              />
              <ModerationReasonFields id="title" result={edit} defaultReason="personal_data" />
              <button type="submit" name="intent" value="editTitle" className="button">
                {t("moderation.submission.editTitle.submit")}
              </button>
            </Form>
          </section>
        </>
      )}
    </div>
  );
}
