/**
 * POST /sessions/:id/interest: register or withdraw interest in a session (a reminder before it starts).
 * A plain form: it works without JavaScript and redirects back to the page it came from with
 * `?interest=registered|withdrawn`, which the schedule box shows. Visitors are sent to log in first and
 * come back to that page. A refusal (e.g. the session is over) renders this page with the error and a link
 * back.
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { FormErrors, typedValue } from "~/components/forms.tsx";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { registerInterest, withdrawInterest } from "~/domain/sessions/sessions.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, Invalid } from "~/utils/errors.server.ts";
import { safeRedirect } from "~/utils/locale.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "sessions.interest.pageTitle");

/**
 * A GET (a bookmarked or reloaded URL) shows a link back to the session. No redirect here: after a refused
 * POST, Remix runs this loader too, and a redirect would hide the error.
 */
export function loader({ params }: LoaderFunctionArgs) {
  return { back: `/sessions/${encodeURIComponent(params.id ?? "")}` };
}

/** `path` with `?interest=` set (replacing an earlier one, keeping the rest of the query and the hash). */
function withInterest(path: string, value: "registered" | "withdrawn"): string {
  const url = new URL(path, "http://localhost");
  url.searchParams.set("interest", value);
  return `${url.pathname}${url.search}${url.hash}`;
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const id = params.id ?? "";
  const redirectTo = safeRedirect(form.get("redirectTo"), `/sessions/${encodeURIComponent(id)}`);
  const user = await getUser(request);
  if (!user) throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  const intent = form.get("intent");
  try {
    if (intent === "register") {
      await registerInterest(getDb(), user, id);
      return redirect(withInterest(redirectTo, "registered"));
    }
    if (intent === "withdraw") {
      await withdrawInterest(getDb(), user, id);
      return redirect(withInterest(redirectTo, "withdrawn"));
    }
    throw new Invalid({}, "errors.badForm");
  } catch (error) {
    return actionError(error, { redirectTo });
  }
}

export default function InterestPage() {
  const t = useT();
  const { back: sessionPage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const back = typedValue(result, "redirectTo") ?? sessionPage;
  return (
    <div className="stack narrow">
      <h1>{t("sessions.interest.pageTitle")}</h1>
      {result && result.ok === false ? <FormErrors result={result} /> : null}
      <p>
        <Link to={back}>{t("sessions.interest.back")}</Link>
      </p>
    </div>
  );
}
