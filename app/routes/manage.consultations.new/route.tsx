import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import {
  createConsultation,
  getConsultationFormOptions,
  readConsultationForm,
} from "~/domain/consultations/manage.server.ts";
import { useRootData, useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";
import { ConsultationForm, EMPTY_CONSULTATION, valuesFromEcho } from "./consultation-form.tsx";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "manage.new.title");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCan(request, "consultation.manage");
  return { options: await getConsultationFormOptions(getDb()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireCan(request, "consultation.manage");
  const form = await readForm(request);
  const { input, values } = readConsultationForm(form);
  try {
    const { id } = await createConsultation(getDb(), user, input);
    return redirect(`/manage/consultations/${id}?notice=created`);
  } catch (error) {
    return actionError(error, values, "save");
  }
}

export default function NewConsultation() {
  const t = useT();
  const { options } = useLoaderData<typeof loader>();
  const { user } = useRootData();
  const result = useActionData<typeof action>();
  const values = valuesFromEcho(result && !result.ok ? result.values : undefined) ?? EMPTY_CONSULTATION;
  return (
    <div className="stack manage">
      <p>
        <Link to="/manage/consultations">{t("manage.backToList")}</Link>
      </p>
      <h1>{t("manage.new.title")}</h1>
      <p className="lead">{t("manage.new.intro")}</p>
      <ConsultationForm
        options={options}
        values={values}
        result={result}
        submitLabel={t("manage.new.submit")}
        draftKey={user ? `manage-consultation-new-${user.id}` : undefined}
      />
    </div>
  );
}
