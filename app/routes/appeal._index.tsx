/**
 * /appeal: with `?action=<id>`, the signed-in author of hidden content appeals the decision once (the link
 * is in their moderation notice). Without it, a blocked user who lost the block e-mail asks for a new signed
 * link; the answer is the same whether or not the address belongs to a blocked account.
 */
import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { ModerationAppeal } from "~/components/moderation-appeal.tsx";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { appeal, appealContext, requestAppealLink } from "~/domain/moderation/moderation.server.ts";
import { useT } from "~/i18n/useT.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, DomainError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.appeal.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const actionId = url.searchParams.get("action");
  if (!actionId) return { mode: "request" as const, decision: null, problem: null };
  const user = await getUser(request);
  if (!user) throw redirect(`/login?redirectTo=${encodeURIComponent(`/appeal?action=${actionId}`)}`);
  try {
    return { mode: "appeal" as const, decision: await appealContext(getDb(), user, actionId), problem: null };
  } catch (error) {
    if (error instanceof DomainError)
      return data(
        { mode: "appeal" as const, decision: null, problem: error.messageKey },
        { status: error.status },
      );
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const url = new URL(request.url);
  const actionId = url.searchParams.get("action");
  const db = getDb();
  if (actionId) {
    const user = await getUser(request);
    const text = form.get("text");
    try {
      await appeal(db, user, { actionId, text: text ?? undefined });
    } catch (error) {
      return actionError(error, { text: typeof text === "string" ? text : "" });
    }
    publish(rooms.moderation(), "moderation:changed", { targetType: "submission", targetId: actionId });
    return { ok: true as const, sent: "appeal" as const };
  }
  const email = form.get("email");
  try {
    await requestAppealLink(db, email);
  } catch (error) {
    return actionError(error, { email: typeof email === "string" ? email : "" });
  }
  return { ok: true as const, sent: "link" as const };
}

export default function Appeal() {
  const t = useT();
  const { mode, decision, problem } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const sent = result && result.ok ? result.sent : null;
  return (
    <section className="narrow stack" aria-labelledby="appeal-title">
      <h1 id="appeal-title">{t("moderation.appeal.title")}</h1>
      {mode === "appeal" ? (
        decision ? (
          <ModerationAppeal decision={decision} result={result} sent={sent === "appeal"} />
        ) : (
          <div className="error-summary" role="alert">
            <p>{t(problem ?? "moderation.errors.actionNotFound")}</p>
          </div>
        )
      ) : (
        <>
          <p>{t("moderation.appeal.requestIntro")}</p>
          {sent === "link" ? (
            <p className="notice" role="status">
              {t("moderation.appeal.linkSent")}
            </p>
          ) : (
            <>
              <FormErrors result={result} />
              <Form method="post" className="stack" noValidate>
                <CsrfInput />
                <Field
                  label={t("accounts.fields.email")}
                  name="email"
                  type="email"
                  autoComplete="email"
                  required
                  defaultValue={typedValue(result, "email")}
                  error={fieldError(result, "email")}
                />
                <button type="submit" className="button primary">
                  {t("moderation.appeal.requestSubmit")}
                </button>
              </Form>
            </>
          )}
        </>
      )}
    </section>
  );
}
