/**
 * /appeal/:token: a blocked user appeals their block through the signed, expiring link of the block e-mail,
 * without signing in (a block refuses sign-in). The page shows the decision and takes one appeal; a tampered
 * or expired link gets a clear message and the way to ask for a new one.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { ModerationAppeal } from "~/components/moderation-appeal.tsx";
import { appealContextByToken, appealWithToken } from "~/domain/moderation/moderation.server.ts";
import { useT } from "~/i18n/useT.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError, DomainError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.appeal.title");

export async function loader({ params }: LoaderFunctionArgs) {
  try {
    const decision = await appealContextByToken(getDb(), params.token ?? "");
    return { decision, problem: null };
  } catch (error) {
    // A bad link is shown on the page (with the way to get a new one), not as a bare error page.
    if (error instanceof DomainError)
      return data({ decision: null, problem: error.messageKey }, { status: error.status });
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const text = form.get("text");
  try {
    await appealWithToken(getDb(), params.token ?? "", { text: text ?? undefined });
  } catch (error) {
    return actionError(error, { text: typeof text === "string" ? text : "" });
  }
  publish(rooms.moderation(), "moderation:changed", { targetType: "user", targetId: "appeal" });
  return { ok: true as const };
}

export default function AppealByLink() {
  const t = useT();
  const { decision, problem } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <section className="narrow stack" aria-labelledby="appeal-title">
      <h1 id="appeal-title">{t("moderation.appeal.title")}</h1>
      {decision ? (
        <ModerationAppeal decision={decision} result={result} sent={!!result?.ok} />
      ) : (
        <div className="error-summary" role="alert">
          <p>{t(problem ?? "moderation.errors.appealLinkInvalid")}</p>
          <p>
            <Link to="/appeal">{t("moderation.appeal.requestLink")}</Link>
          </p>
        </div>
      )}
    </section>
  );
}
