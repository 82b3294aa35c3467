import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import type { Phase } from "~/domain/consultations/consultations.schema.ts";
import {
  changePhase,
  getConsultationForEdit,
  getConsultationFormOptions,
  readConsultationForm,
  readPhaseForm,
  updateConsultation,
} from "~/domain/consultations/manage.server.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, Invalid, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";
import {
  ConsultationForm,
  valuesFromConsultation,
  valuesFromEcho,
} from "./manage.consultations.new/consultation-form.tsx";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "manage.edit.title");

const NOTICES = new Set(["created", "saved", "open", "closed", "analysed", "concluded", "reopened"]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCan(request, "consultation.manage");
  const notice = new URL(request.url).searchParams.get("notice");
  try {
    const db = getDb();
    const [consultation, options] = await Promise.all([
      getConsultationForEdit(db, params.id ?? ""),
      getConsultationFormOptions(db),
    ]);
    return { consultation, options, notice: notice && NOTICES.has(notice) ? notice : null };
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireCan(request, "consultation.manage");
  const form = await readForm(request);
  const id = params.id ?? "";
  const intent = form.get("intent");
  if (intent === "save") {
    const { input, values } = readConsultationForm(form);
    try {
      await updateConsultation(getDb(), user, id, input);
      return redirect(`/manage/consultations/${id}?notice=saved`);
    } catch (error) {
      return actionError(error, values, "save");
    }
  }
  if (intent === "phase") {
    const { input, values } = readPhaseForm(form);
    try {
      const { from, to } = await changePhase(getDb(), user, id, input);
      const notice = from === "closed" && to === "open" ? "reopened" : to;
      return redirect(`/manage/consultations/${id}?notice=${notice}#phase`);
    } catch (error) {
      return actionError(error, values, `phase-${values.to}`);
    }
  }
  // An empty or unknown form changes nothing.
  return actionError(new Invalid({}, "errors.badForm"), undefined, "save");
}

/** The action behind each allowed phase change (translation keys under manage.phase.actions). */
function actionName(from: Phase, to: Phase): string {
  if (from === "closed" && to === "open") return "reopen";
  return { open: "open", closed: "close", analysed: "analyse", concluded: "conclude", draft: "open" }[to];
}

export default function EditConsultation() {
  const t = useT();
  const locale = useLocale();
  const { consultation: c, options, notice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const saveResult = result && !result.ok && result.intent === "save" ? result : undefined;
  const values = valuesFromEcho(saveResult?.values) ?? valuesFromConsultation(c);
  const dates: [string, string | null][] = [
    ["opensAt", c.opensAt],
    ["closesAt", c.closesAt],
    ["analysedAt", c.analysedAt],
    ["concludedAt", c.concludedAt],
  ];
  return (
    <div className="stack manage">
      <p>
        <Link to="/manage/consultations">{t("manage.backToList")}</Link>
      </p>
      <h1>{t("manage.edit.heading", { title: c.title })}</h1>
      {notice ? (
        <p role="status" className="notice">
          {t(`manage.notices.${notice}`)}
        </p>
      ) : null}
      <ul className="plain manage-links">
        <li>
          <Link to={`/manage/consultations/${c.id}/articles`}>
            {t("manage.edit.articles", { count: c.articleCount })}
          </Link>
        </li>
        <li>
          <Link to={`/manage/consultations/${c.id}/priority`}>{t("priority.weights.title")}</Link>
        </li>
        {c.phase !== "draft" ? (
          <li>
            <Link to={`/consultations/${c.slug}`}>{t("manage.edit.publicPage")}</Link>
          </li>
        ) : null}
      </ul>

      <section aria-labelledby="phase" className="card stack manage-phase">
        <h2 id="phase">{t("manage.phase.title")}</h2>
        <p>
          {t("manage.phase.current")}{" "}
          <span className={`badge phase-${c.phase}`}>{t(`phases.${c.phase}`)}</span>
        </p>
        {c.phase === "draft" ? (
          <p className="hint">
            {c.opensAt
              ? t("manage.phase.scheduled", { date: formatDateTime(locale, c.opensAt) })
              : t("manage.phase.notScheduled")}
          </p>
        ) : null}
        <dl className="facts">
          {dates
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k}>
                <dt>{t(`manage.fields.${k}`)}</dt>
                <dd>{formatDateTime(locale, v!)}</dd>
              </div>
            ))}
        </dl>
        {c.nextPhases.length === 0 ? <p>{t("manage.phase.final")}</p> : null}
        {c.nextPhases.map((to) => {
          const name = actionName(c.phase, to);
          const intent = `phase-${to}`;
          const failed = result && !result.ok && result.intent === intent ? result : undefined;
          return (
            <Form
              key={to}
              method="post"
              className="stack manage-phase-form"
              aria-labelledby={`phase-${name}-title`}
            >
              <CsrfInput />
              <input type="hidden" name="intent" value="phase" />
              <input type="hidden" name="to" value={to} />
              <h3 id={`phase-${name}-title`}>{t(`manage.phase.actions.${name}.title`)}</h3>
              <p>{t(`manage.phase.actions.${name}.description`)}</p>
              <FormErrors result={failed} />
              {name === "reopen" ? (
                <Field
                  type="datetime-local"
                  name="closesAt"
                  label={t("manage.phase.newClosesAt")}
                  hint={t("manage.hints.dates")}
                  defaultValue={typedValue(failed, "closesAt") ?? ""}
                  error={fieldError(failed, "closesAt")}
                  required
                />
              ) : null}
              <div className="field checkbox">
                {fieldError(failed, "confirm") ? (
                  <p className="field-error" id={`confirm-${name}-error`}>
                    {t(fieldError(failed, "confirm")!)}
                  </p>
                ) : null}
                <input
                  type="checkbox"
                  id={`confirm-${name}`}
                  name="confirm"
                  required
                  aria-invalid={fieldError(failed, "confirm") ? true : undefined}
                  aria-describedby={fieldError(failed, "confirm") ? `confirm-${name}-error` : undefined}
                />
                <label htmlFor={`confirm-${name}`}>{t(`manage.phase.actions.${name}.confirm`)}</label>
              </div>
              <p>
                <button type="submit" className={name === "close" ? "button danger" : "button"}>
                  {t(`manage.phase.actions.${name}.button`)}
                </button>
              </p>
            </Form>
          );
        })}
      </section>

      <section aria-labelledby="details" className="stack">
        <h2 id="details">{t("manage.edit.details")}</h2>
        <ConsultationForm
          options={options}
          values={values}
          result={saveResult}
          submitLabel={t("manage.edit.submit")}
        />
      </section>
    </div>
  );
}
