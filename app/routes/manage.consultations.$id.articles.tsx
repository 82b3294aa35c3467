import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { RichTextEditor } from "~/components/rich-text-editor.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { ARTICLE_BODY_MAX_CHARS, IMPORT_MAX_CHARS } from "~/domain/consultations/consultations.schema.ts";
import {
  addArticle,
  deleteArticle,
  importArticles,
  listArticles,
  moveArticle,
  readArticleForm,
  updateArticle,
} from "~/domain/consultations/manage.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, Invalid, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "manage.articles.title");

const NOTICES = new Set([
  "articleAdded",
  "articleSaved",
  "articleDeleted",
  "articleMoved",
  "articlesImported",
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCan(request, "consultation.manage");
  const url = new URL(request.url);
  const notice = url.searchParams.get("notice");
  const count = Number.parseInt(url.searchParams.get("count") ?? "", 10);
  try {
    const data = await listArticles(getDb(), params.id ?? "", url.searchParams.get("edit"));
    return {
      ...data,
      notice: notice && NOTICES.has(notice) ? notice : null,
      noticeCount: Number.isFinite(count) && count >= 0 ? count : 0,
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCan(request, "consultation.manage");
  const form = await readForm(request);
  const id = params.id ?? "";
  const base = `/manage/consultations/${id}/articles`;
  const intent = String(form.get("intent") ?? "");
  const articleId = String(form.get("articleId") ?? "");
  const db = getDb();
  if (intent === "add" || intent === "update") {
    const { input, values } = readArticleForm(form);
    try {
      const saved =
        intent === "add"
          ? await addArticle(db, user, id, input)
          : await updateArticle(db, user, id, articleId, input);
      const notice = intent === "add" ? "articleAdded" : "articleSaved";
      return redirect(`${base}?notice=${notice}#article-${saved.id}`);
    } catch (error) {
      return actionError(error, values, intent);
    }
  }
  try {
    if (intent === "delete") {
      await deleteArticle(db, user, id, articleId);
      return redirect(`${base}?notice=articleDeleted`);
    }
    if (intent === "move") {
      await moveArticle(db, user, id, articleId, { direction: form.get("direction") });
      return redirect(`${base}?notice=articleMoved#article-${articleId}`);
    }
    if (intent === "import") {
      const { count } = await importArticles(db, user, id, {
        text: form.get("text"),
        mode: form.get("mode"),
      });
      return redirect(`${base}?notice=articlesImported&count=${count}`);
    }
    // An empty or unknown form changes nothing.
    throw new Invalid({}, "errors.badForm");
  } catch (error) {
    const values =
      intent === "import"
        ? { text: String(form.get("text") ?? ""), mode: String(form.get("mode") ?? "append") }
        : undefined;
    return actionError(error, values, intent === "import" ? "import" : "row");
  }
}

export default function ManageArticles() {
  const t = useT();
  const { consultation: c, articles, editing, notice, noticeCount } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failedFor = (intent: string) =>
    result && !result.ok && result.intent === intent ? result : undefined;
  const addFailed = failedFor("add");
  const updateFailed = failedFor("update");
  const importFailed = failedFor("import");
  const base = `/manage/consultations/${c.id}/articles`;
  return (
    <div className="stack manage">
      <ul className="plain manage-links">
        <li>
          <Link to="/manage/consultations">{t("manage.backToList")}</Link>
        </li>
        <li>
          <Link to={`/manage/consultations/${c.id}`}>{t("manage.articles.backToConsultation")}</Link>
        </li>
      </ul>
      <h1>{t("manage.articles.heading", { title: c.title })}</h1>
      {notice ? (
        <p role="status" className="notice">
          {t(`manage.notices.${notice}`, { count: noticeCount })}
        </p>
      ) : null}
      <p className="lead">{t("manage.articles.intro")}</p>
      <FormErrors result={failedFor("row")} />

      {editing ? (
        <section aria-labelledby="edit-article" className="card stack" id="edit">
          <h2 id="edit-article">{t("manage.articles.editHeading", { number: editing.number })}</h2>
          <Form
            key={editing.id}
            method="post"
            action={`${base}?edit=${editing.id}`}
            className="stack manage-form"
            noValidate
          >
            <CsrfInput />
            <input type="hidden" name="intent" value="update" />
            <input type="hidden" name="articleId" value={editing.id} />
            <FormErrors result={updateFailed} />
            <Field
              name="title"
              label={t("manage.articles.fields.title")}
              defaultValue={typedValue(updateFailed, "title") ?? editing.title}
              error={fieldError(updateFailed, "title")}
              maxLength={200}
              required
            />
            <RichTextEditor
              name="body"
              label={t("manage.articles.fields.body")}
              maxChars={ARTICLE_BODY_MAX_CHARS}
              defaultValue={typedValue(updateFailed, "body") ?? JSON.stringify(editing.bodyJson)}
              defaultFormat={
                updateFailed ? (typedValue(updateFailed, "bodyFormat") === "json" ? "json" : "text") : "json"
              }
              error={fieldError(updateFailed, "body") ? t(fieldError(updateFailed, "body")!) : undefined}
              required
            />
            <p className="manage-buttons">
              <button type="submit" className="button primary">
                {t("manage.articles.save")}
              </button>
              <Link to={base}>{t("manage.articles.cancel")}</Link>
            </p>
          </Form>
        </section>
      ) : null}

      <section aria-labelledby="document" className="stack">
        <h2 id="document">{t("manage.articles.document", { count: articles.length })}</h2>
        {articles.length === 0 ? <p>{t("manage.articles.empty")}</p> : null}
        <ol className="plain manage-articles">
          {articles.map((a, i) => (
            <li key={a.id} id={`article-${a.id}`} className="card manage-article">
              <h3 className="h3">{t("manage.articles.numbered", { number: a.number, title: a.title })}</h3>
              <p className="muted">
                {t("manage.articles.comments", { count: a.commentCount })}
                {a.locked ? ` · ${t("manage.articles.locked")}` : ""}
              </p>
              <div className="manage-row-actions">
                <Link
                  to={`${base}?edit=${a.id}#edit`}
                  aria-label={t("manage.articles.editOf", { number: a.number })}
                  className="button"
                >
                  {t("manage.articles.edit")}
                </Link>
                {i > 0 ? (
                  <Form method="post" action={base}>
                    <CsrfInput />
                    <input type="hidden" name="intent" value="move" />
                    <input type="hidden" name="articleId" value={a.id} />
                    <input type="hidden" name="direction" value="up" />
                    <button
                      type="submit"
                      className="button"
                      aria-label={t("manage.articles.moveUpOf", { number: a.number })}
                    >
                      {t("manage.articles.moveUp")}
                    </button>
                  </Form>
                ) : null}
                {i < articles.length - 1 ? (
                  <Form method="post" action={base}>
                    <CsrfInput />
                    <input type="hidden" name="intent" value="move" />
                    <input type="hidden" name="articleId" value={a.id} />
                    <input type="hidden" name="direction" value="down" />
                    <button
                      type="submit"
                      className="button"
                      aria-label={t("manage.articles.moveDownOf", { number: a.number })}
                    >
                      {t("manage.articles.moveDown")}
                    </button>
                  </Form>
                ) : null}
                {a.commentCount === 0 ? (
                  <Form method="post" action={base}>
                    <CsrfInput />
                    <input type="hidden" name="intent" value="delete" />
                    <input type="hidden" name="articleId" value={a.id} />
                    <button
                      type="submit"
                      className="button danger"
                      aria-label={t("manage.articles.deleteOf", { number: a.number })}
                    >
                      {t("manage.articles.delete")}
                    </button>
                  </Form>
                ) : (
                  <span className="muted">{t("manage.articles.cannotDelete")}</span>
                )}
              </div>
            </li>
          ))}
        </ol>
      </section>

      <section aria-labelledby="add-article" className="card stack">
        <h2 id="add-article">{t("manage.articles.addHeading", { number: articles.length + 1 })}</h2>
        {/* Keyed by the count: after an article is added the form starts empty again. */}
        <Form key={articles.length} method="post" action={base} className="stack manage-form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="add" />
          <FormErrors result={addFailed} />
          <Field
            name="title"
            label={t("manage.articles.fields.title")}
            defaultValue={typedValue(addFailed, "title") ?? ""}
            error={fieldError(addFailed, "title")}
            maxLength={200}
            required
          />
          <RichTextEditor
            name="body"
            label={t("manage.articles.fields.body")}
            maxChars={ARTICLE_BODY_MAX_CHARS}
            defaultValue={typedValue(addFailed, "body") ?? ""}
            defaultFormat={typedValue(addFailed, "bodyFormat") === "json" ? "json" : "text"}
            error={fieldError(addFailed, "body") ? t(fieldError(addFailed, "body")!) : undefined}
            required
          />
          <p>
            <button type="submit" className="button primary">
              {t("manage.articles.add")}
            </button>
          </p>
        </Form>
      </section>

      <section aria-labelledby="import-articles" className="card stack">
        <h2 id="import-articles">{t("manage.articles.importHeading")}</h2>
        <p>{t("manage.articles.importIntro")}</p>
        <figure className="manage-example">
          <figcaption>{t("manage.articles.importExampleLabel")}</figcaption>
          <pre>{t("manage.articles.importExample")}</pre>
        </figure>
        <Form key={articles.length} method="post" action={base} className="stack manage-form" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="import" />
          <FormErrors result={importFailed} />
          <div className="field">
            <label htmlFor="import-text">{t("manage.articles.fields.importText")}</label>
            {fieldError(importFailed, "text") ? (
              <p className="field-error" id="import-text-error">
                {t(fieldError(importFailed, "text")!)}
              </p>
            ) : null}
            <textarea
              id="import-text"
              name="text"
              rows={14}
              maxLength={IMPORT_MAX_CHARS}
              defaultValue={typedValue(importFailed, "text") ?? ""}
              aria-invalid={fieldError(importFailed, "text") ? true : undefined}
              aria-describedby={fieldError(importFailed, "text") ? "import-text-error" : undefined}
              required
            />
          </div>
          <fieldset>
            <legend>{t("manage.articles.fields.importMode")}</legend>
            {fieldError(importFailed, "mode") ? (
              <p className="field-error">{t(fieldError(importFailed, "mode")!)}</p>
            ) : null}
            {(["append", "replace"] as const).map((mode) => (
              <label key={mode} className="inline-check manage-radio">
                <input
                  type="radio"
                  name="mode"
                  value={mode}
                  defaultChecked={(typedValue(importFailed, "mode") ?? "append") === mode}
                />{" "}
                {t(`manage.articles.importModes.${mode}`)}
              </label>
            ))}
          </fieldset>
          <p>
            <button type="submit" className="button primary">
              {t("manage.articles.import")}
            </button>
          </p>
        </Form>
      </section>
    </div>
  );
}
