import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput, FormErrors, fieldError } from "~/components/forms.tsx";
import { RichTextEditor } from "~/components/rich-text-editor.tsx";
import { SubmissionFields } from "~/components/submission-fields.tsx";
import { requireUser } from "~/domain/accounts/auth.server.ts";
import { getSubmissionFormOptions } from "~/domain/consultations/consultations.server.ts";
import { SUBMISSION_LIMITS } from "~/domain/submissions/submissions.schema.ts";
import {
  getSubmissionPage,
  updateSubmission,
  withdrawSubmission,
} from "~/domain/submissions/submissions.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "submissions.edit.title");

const UUID = /^[0-9a-f-]{36}$/;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const id = params.id ?? "";
  if (!UUID.test(id)) throw new Response("submissions.errors.notFound", { status: 404 });
  const db = getDb();
  const page = await getSubmissionPage(db, id, user).catch(throwAsResponse);
  if (page.redirectTo) throw redirect(page.redirectTo);
  if (!page.viewer.isAuthor) throw new Response("errors.forbidden", { status: 403 });
  const options = await getSubmissionFormOptions(db, user.id);
  const s = page.submission;
  return {
    submission: {
      id: s.id,
      title: s.title,
      kind: s.kind,
      bodyJson: s.bodyJson,
      municipalityId: s.municipalityId ?? "",
      organisationId: s.organisationId ?? "",
      targetGroups: s.targetGroups.map((g) => g.key).join(","),
    },
    consultation: page.consultation,
    canEdit: page.viewer.canEdit,
    canWithdraw: page.viewer.canWithdraw,
    options,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const id = params.id ?? "";
  const intent = String(form.get("intent") ?? "");
  const db = getDb();
  const values = Object.fromEntries(
    ["kind", "title", "body", "bodyFormat", "municipalityId", "organisationId", "reason"].map((k) => [
      k,
      String(form.get(k) ?? ""),
    ]),
  );
  values.targetGroups = form.getAll("targetGroups").map(String).join(",");
  try {
    if (intent === "edit") {
      await updateSubmission(db, user, id, {
        kind: form.get("kind"),
        title: form.get("title"),
        body: form.get("body"),
        bodyFormat: form.get("bodyFormat"),
        municipalityId: form.get("municipalityId"),
        organisationId: form.get("organisationId"),
        targetGroups: form.getAll("targetGroups"),
      });
      return redirect(`/submissions/${id}?notice=submissionUpdated`);
    }
    if (intent === "withdraw") {
      await withdrawSubmission(db, user, id, { reason: form.get("reason") });
      return redirect(`/submissions/${id}?notice=submissionWithdrawn`);
    }
    throw new Response("errors.invalid", { status: 400 });
  } catch (error) {
    return actionError(error, values, intent);
  }
}

export default function EditSubmission() {
  const t = useT();
  const { submission, consultation, canEdit, canWithdraw, options } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failed = result && !result.ok ? result : undefined;
  const editResult = failed?.intent === "edit" ? failed : undefined;
  const withdrawResult = failed?.intent === "withdraw" ? failed : undefined;
  const values = editResult?.values ?? {
    kind: submission.kind,
    title: submission.title,
    municipalityId: submission.municipalityId,
    organisationId: submission.organisationId,
    targetGroups: submission.targetGroups,
    body: submission.bodyJson,
    bodyFormat: "json",
  };
  const bodyError = fieldError(editResult, "body");
  return (
    <div className="stack narrow">
      <nav aria-label={t("consultations.page.breadcrumb")}>
        <Link to={`/consultations/${consultation.slug}`}>{consultation.title}</Link>
        {" › "}
        <Link to={`/submissions/${submission.id}`}>{submission.title}</Link>
      </nav>
      <h1>{t("submissions.edit.title")}</h1>
      {canEdit ? (
        <section aria-labelledby="edit-title" className="stack">
          <h2 id="edit-title">{t("submissions.edit.heading")}</h2>
          <FormErrors result={editResult} />
          <Form method="post" noValidate className="stack">
            <CsrfInput />
            <input type="hidden" name="intent" value="edit" />
            <SubmissionFields
              options={options}
              values={values}
              errors={editResult?.fieldErrors}
              titleId="edit-title-input"
            />
            <RichTextEditor
              name="body"
              label={t("submissions.fields.body")}
              maxChars={SUBMISSION_LIMITS.bodyMaxChars}
              defaultValue={values.body}
              defaultFormat={values.bodyFormat === "json" ? "json" : "text"}
              error={bodyError ? t(bodyError) : undefined}
              required
            />
            <p>
              <button type="submit" className="button primary">
                {t("submissions.edit.save")}
              </button>
            </p>
          </Form>
        </section>
      ) : (
        <p className="notice">{t("submissions.errors.editWindowOver")}</p>
      )}
      {canWithdraw ? (
        <section aria-labelledby="withdraw-title" className="stack card">
          <h2 id="withdraw-title">{t("submissions.withdraw.title")}</h2>
          <p>{t("submissions.withdraw.intro")}</p>
          <FormErrors result={withdrawResult} />
          <Form method="post" noValidate className="stack">
            <CsrfInput />
            <input type="hidden" name="intent" value="withdraw" />
            <div className="field">
              <label htmlFor="withdraw-reason">{t("submissions.withdraw.reason")}</label>
              {fieldError(withdrawResult, "reason") ? (
                <p className="field-error" id="withdraw-reason-error">
                  {t(fieldError(withdrawResult, "reason") as string)}
                </p>
              ) : null}
              <textarea
                id="withdraw-reason"
                name="reason"
                rows={3}
                maxLength={SUBMISSION_LIMITS.reasonMax}
                required
                defaultValue={withdrawResult?.values?.reason ?? ""}
                aria-invalid={fieldError(withdrawResult, "reason") ? true : undefined}
                aria-describedby={fieldError(withdrawResult, "reason") ? "withdraw-reason-error" : undefined}
              />
            </div>
            <p>
              <button type="submit" className="button danger">
                {t("submissions.withdraw.action")}
              </button>
            </p>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
