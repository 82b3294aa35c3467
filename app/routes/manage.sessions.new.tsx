/** /manage/sessions/new: schedule a session of a committee the organiser may schedule for. */
import {
  redirect,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { EMPTY_SESSION, SessionForm, valuesFromEcho } from "~/components/session-form.tsx";
import { sessionStylesLink } from "~/components/session-schedule.tsx";
import { forbidden, requireUser } from "~/domain/accounts/auth.server.ts";
import {
  applyAgendaOp,
  canScheduleAny,
  completeSessionErrors,
  getSessionFormOptions,
  readSessionForm,
} from "~/domain/sessions/calendar.server.ts";
import { createSession } from "~/domain/sessions/sessions.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "sessions.manage.newTitle");
export const links: LinksFunction = () => [sessionStylesLink];

async function requireScheduler(request: Request) {
  const user = await requireUser(request);
  if (!canScheduleAny(user)) throw forbidden("sessions.errors.forbidden");
  return user;
}

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireScheduler(request);
  return { options: await getSessionFormOptions(getDb(), user) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireScheduler(request);
  const form = await readForm(request);
  const { fields, values, rows } = readSessionForm(form);
  const agendaOp = form.get("agendaOp");
  if (typeof agendaOp === "string" && agendaOp) {
    // Without JavaScript the agenda buttons post the form: apply the change and show it again.
    return {
      ok: false as const,
      intent: "agenda",
      values: { ...values, agenda: JSON.stringify(applyAgendaOp(rows, agendaOp)) },
    };
  }
  try {
    const { id } = await createSession(getDb(), user, fields);
    return redirect(`/manage/sessions/${id}?notice=created`);
  } catch (error) {
    return actionError(completeSessionErrors(error, fields), values, "save");
  }
}

export default function NewSession() {
  const t = useT();
  const { options } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const values = valuesFromEcho(result && !result.ok ? result.values : undefined) ?? EMPTY_SESSION;
  return (
    <div className="stack manage">
      <p>
        <Link to="/manage/sessions">{t("sessions.manage.backToList")}</Link>
      </p>
      <h1>{t("sessions.manage.newTitle")}</h1>
      <p className="lead">{t("sessions.manage.newIntro")}</p>
      <SessionForm
        options={options}
        values={values}
        result={result}
        submitLabel={t("sessions.manage.create")}
      />
    </div>
  );
}
