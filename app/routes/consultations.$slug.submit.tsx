import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useRef } from "react";
import { CsrfInput, FormErrors, fieldError } from "~/components/forms.tsx";
import { RichTextEditor } from "~/components/rich-text-editor.tsx";
import { SimilarSubmissions } from "~/components/similar-submissions.tsx";
import { SubmissionFields } from "~/components/submission-fields.tsx";
import { useFormDraft } from "~/components/use-form-draft.ts";
import { requireUser } from "~/domain/accounts/auth.server.ts";
import {
  getPublicConsultation,
  getSubmissionFormOptions,
} from "~/domain/consultations/consultations.server.ts";
import { SUBMISSION_LIMITS } from "~/domain/submissions/submissions.schema.ts";
import { createSubmission } from "~/domain/submissions/submissions.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "submissions.new.title");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const consultation = await getPublicConsultation(db, params.slug ?? "").catch(throwAsResponse);
  const options = await getSubmissionFormOptions(db, user.id);
  return {
    consultation: {
      id: consultation.id,
      slug: consultation.slug,
      title: consultation.title,
      openForInput: consultation.openForInput,
      preModeration: consultation.preModeration,
    },
    options,
    emailVerified: user.emailVerified,
    userId: user.id,
  };
}

/** Everything typed, echoed back on failure so nothing is lost. */
function typedValues(form: FormData): Record<string, string> {
  return {
    kind: String(form.get("kind") ?? ""),
    title: String(form.get("title") ?? ""),
    body: String(form.get("body") ?? ""),
    bodyFormat: String(form.get("bodyFormat") ?? ""),
    municipalityId: String(form.get("municipalityId") ?? ""),
    organisationId: String(form.get("organisationId") ?? ""),
    targetGroups: form.getAll("targetGroups").map(String).join(","),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const db = getDb();
  try {
    const consultation = await getPublicConsultation(db, params.slug ?? "");
    const result = await createSubmission(db, user, consultation.id, {
      kind: form.get("kind"),
      title: form.get("title"),
      body: form.get("body"),
      bodyFormat: form.get("bodyFormat"),
      municipalityId: form.get("municipalityId"),
      organisationId: form.get("organisationId"),
      targetGroups: form.getAll("targetGroups"),
    });
    const notice = result.status === "published" ? "submissionPosted" : "submissionPending";
    return redirect(`/submissions/${result.id}?notice=${notice}`);
  } catch (error) {
    return actionError(error, typedValues(form));
  }
}

export default function NewSubmission() {
  const t = useT();
  const { consultation, options, emailVerified, userId } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values = result && !result.ok ? result.values : undefined;
  const errors = result && !result.ok ? result.fieldErrors : undefined;
  const navigation = useNavigation();
  const formRef = useRef<HTMLFormElement>(null);
  // Per person and consultation, so a shared browser never offers one person's draft to another.
  const draftKey = `submission:${userId}:${consultation.id}`;
  useFormDraft(formRef, draftKey);
  if (!consultation.openForInput || !emailVerified) {
    return (
      <div className="stack narrow">
        <h1>{t("submissions.new.title")}</h1>
        <p className="notice">
          {t(emailVerified ? "submissions.errors.closed" : "submissions.errors.verifyFirst")}
        </p>
        <p>
          <Link to={`/consultations/${consultation.slug}`}>
            {t("submissions.backTo", { title: consultation.title })}
          </Link>
        </p>
      </div>
    );
  }
  return (
    <div className="stack narrow">
      <nav aria-label={t("consultations.page.breadcrumb")}>
        <Link to={`/consultations/${consultation.slug}`}>{consultation.title}</Link>
      </nav>
      <h1>{t("submissions.new.title")}</h1>
      <p className="lead">{t("submissions.new.intro")}</p>
      {consultation.preModeration ? <p className="notice">{t("submissions.new.preModeration")}</p> : null}
      <FormErrors result={result} />
      <Form method="post" ref={formRef} noValidate className="stack">
        <CsrfInput />
        <SubmissionFields
          options={options}
          values={values}
          errors={errors}
          titleId="submission-title"
          afterTitle={<SimilarSubmissions consultationId={consultation.id} inputId="submission-title" />}
        />
        <RichTextEditor
          name="body"
          label={t("submissions.fields.body")}
          hint={t("submissions.fields.bodyHint", { max: SUBMISSION_LIMITS.bodyMaxChars })}
          maxChars={SUBMISSION_LIMITS.bodyMaxChars}
          defaultValue={values?.body}
          defaultFormat={values?.bodyFormat === "json" ? "json" : "text"}
          error={fieldError(result, "body") ? t(fieldError(result, "body") as string) : undefined}
          draftKey={`${draftKey}:body`}
          required
        />
        <p>
          <button type="submit" className="button primary" disabled={navigation.state === "submitting"}>
            {t("submissions.new.submit")}
          </button>
        </p>
      </Form>
    </div>
  );
}
