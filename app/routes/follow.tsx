/**
 * POST /follow: follow or unfollow a consultation, submission or live session. Without JavaScript the form
 * posts here and is redirected back with a notice; the FollowButton's fetcher adds `mode=fetch` once
 * hydrated and gets the new state as data instead. A refused form without JavaScript renders this page with
 * the error and a link back.
 */
import { redirect, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { FormErrors, typedValue } from "~/components/forms.tsx";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { applyFollowIntent } from "~/domain/notifications/notifications.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { safeRedirect } from "~/utils/locale.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "notifications.follow.pageTitle");

/** `path` with `?notice=` set (replacing an earlier notice, keeping the rest of the query and the hash). */
function withNotice(path: string, notice: string): string {
  const url = new URL(path, "http://localhost");
  url.searchParams.set("notice", notice);
  return `${url.pathname}${url.search}${url.hash}`;
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const redirectTo = safeRedirect(form.get("redirectTo"), "/");
  // Signed-in only; after logging in the reader comes back to the page they were on, not to /follow.
  const user = await getUser(request);
  if (!user) throw redirect(`/login?redirectTo=${encodeURIComponent(redirectTo)}`);
  const byFetcher = form.get("mode") === "fetch";
  try {
    const { following } = await applyFollowIntent(getDb(), user.id, {
      intent: form.get("intent") ?? undefined,
      targetType: form.get("targetType") ?? undefined,
      targetId: form.get("targetId") ?? undefined,
    });
    if (byFetcher) return { ok: true as const, following };
    return redirect(withNotice(redirectTo, following ? "followed" : "unfollowed"));
  } catch (error) {
    return actionError(error, { redirectTo });
  }
}

export default function FollowPage() {
  const t = useT();
  const result = useActionData<typeof action>();
  const back = typedValue(result, "redirectTo") ?? "/";
  return (
    <div className="stack narrow">
      <h1>{t("notifications.follow.pageTitle")}</h1>
      {result && result.ok === false ? (
        <FormErrors result={result} />
      ) : (
        <p>{t("notifications.follow.intro")}</p>
      )}
      <p>
        <Link to={back}>{t("notifications.follow.back")}</Link>
      </p>
    </div>
  );
}
