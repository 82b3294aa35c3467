/**
 * /manage/sessions/:id: edit a scheduled session (fields and agenda) or cancel it. Once it has started,
 * ended or been cancelled it can no longer be changed: the page shows it and links to its public page.
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { Checkbox, CsrfInput, FormErrors, fieldError } from "~/components/forms.tsx";
import { SessionForm, valuesFromEcho, valuesFromSession } from "~/components/session-form.tsx";
import { SessionSchedule, sessionStylesLink } from "~/components/session-schedule.tsx";
import { forbidden, requireUser } from "~/domain/accounts/auth.server.ts";
import {
  applyAgendaOp,
  canScheduleAny,
  completeSessionErrors,
  getSessionForEdit,
  getSessionFormOptions,
  readSessionForm,
} from "~/domain/sessions/calendar.server.ts";
import { cancelSession, updateSession } from "~/domain/sessions/sessions.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, Invalid, throwAsResponse } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "sessions.manage.editTitle");
export const links: LinksFunction = () => [sessionStylesLink];

const NOTICES = new Set(["created", "saved", "cancelled"]);

async function requireScheduler(request: Request) {
  const user = await requireUser(request);
  if (!canScheduleAny(user)) throw forbidden("sessions.errors.forbidden");
  return user;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireScheduler(request);
  const notice = new URL(request.url).searchParams.get("notice");
  try {
    const db = getDb();
    const session = await getSessionForEdit(db, user, params.id ?? "");
    const options = await getSessionFormOptions(db, user);
    const interest = await db.sessionInterest.findUnique({
      where: { sessionId_userId: { sessionId: session.id, userId: user.id } },
      select: { userId: true },
    });
    return {
      session,
      options,
      interested: !!interest,
      notice: notice && NOTICES.has(notice) ? notice : null,
    };
  } catch (error) {
    throwAsResponse(error);
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireScheduler(request);
  const form = await readForm(request);
  const id = params.id ?? "";
  const intent = form.get("intent");
  if (intent === "save") {
    const { fields, values, rows } = readSessionForm(form);
    const agendaOp = form.get("agendaOp");
    if (typeof agendaOp === "string" && agendaOp) {
      return {
        ok: false as const,
        intent: "agenda",
        values: { ...values, agenda: JSON.stringify(applyAgendaOp(rows, agendaOp)) },
      };
    }
    try {
      await updateSession(getDb(), user, id, fields);
      return redirect(`/manage/sessions/${id}?notice=saved`);
    } catch (error) {
      return actionError(completeSessionErrors(error, fields), values, "save");
    }
  }
  if (intent === "cancel") {
    try {
      if (form.get("confirm") !== "on") {
        throw new Invalid({ confirm: "sessions.manage.confirmRequired" });
      }
      await cancelSession(getDb(), user, id);
      return redirect(`/manage/sessions/${id}?notice=cancelled`);
    } catch (error) {
      return actionError(error, undefined, "cancel");
    }
  }
  return actionError(new Invalid({}, "errors.badForm"), undefined, "save");
}

export default function EditSession() {
  const t = useT();
  const { session: s, options, interested, notice } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const saveResult = result && !result.ok && result.intent !== "cancel" ? result : undefined;
  const cancelResult = result && !result.ok && result.intent === "cancel" ? result : undefined;
  const values = valuesFromEcho(saveResult?.values) ?? valuesFromSession(s);
  const editable = s.status === "scheduled";
  return (
    <div className="stack manage">
      <p>
        <Link to="/manage/sessions">{t("sessions.manage.backToList")}</Link>
      </p>
      <h1>{t("sessions.manage.editHeading", { title: s.title })}</h1>
      {notice ? (
        <p role="status" className="notice">
          {t(`sessions.manage.notices.${notice}`)}
        </p>
      ) : null}
      <ul className="plain manage-links">
        <li>
          <Link to={`/sessions/${s.id}`}>{t("sessions.manage.publicPage")}</Link>
        </li>
      </ul>
      {editable ? (
        <>
          <SessionForm
            options={options}
            values={values}
            result={saveResult}
            submitLabel={t("sessions.manage.save")}
          />
          <section aria-labelledby="cancel-heading" className="card stack" id="cancel">
            <h2 id="cancel-heading">{t("sessions.manage.cancelHeading")}</h2>
            <p>{t("sessions.manage.cancelIntro")}</p>
            <Form method="post" className="stack">
              <CsrfInput />
              <input type="hidden" name="intent" value="cancel" />
              <FormErrors result={cancelResult} />
              <Checkbox
                name="confirm"
                label={t("sessions.manage.confirmCancel")}
                error={fieldError(cancelResult, "confirm")}
              />
              <p>
                <button type="submit" className="button">
                  {t("sessions.manage.cancel")}
                </button>
              </p>
            </Form>
          </section>
        </>
      ) : (
        <>
          <p>{t("sessions.manage.notEditable", { status: t(`sessions.statuses.${s.status}`) })}</p>
          <SessionSchedule
            session={{ ...s, committee: { id: s.committeeId, name: s.committee.name }, consultation: null }}
            interested={interested}
            signedIn
          />
          <section aria-labelledby="agenda-heading" className="stack">
            <h2 id="agenda-heading">{t("sessions.form.agenda.legend")}</h2>
            <ol>
              {s.agendaItems.map((a) => (
                <li key={a.id}>{a.title}</li>
              ))}
            </ol>
          </section>
        </>
      )}
    </div>
  );
}
