/**
 * POST /flag: a participant reports a submission, comment or user. The FlagForm posts here through a
 * fetcher and shows the result in place; without JavaScript this page shows the result with a link back.
 * Moderators' queues reload live.
 */
import { data, type ActionFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { FormErrors, typedValue } from "~/components/forms.tsx";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { flagContent } from "~/domain/moderation/moderation.server.ts";
import { useT } from "~/i18n/useT.ts";
import { publish } from "~/realtime/publish.server.ts";
import { rooms } from "~/realtime/rooms.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { safeRedirect } from "~/utils/locale.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.flag.pageTitle");

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const user = await getUser(request);
  const str = (name: string) => {
    const v = form.get(name);
    return typeof v === "string" ? v : "";
  };
  const targetType = str("targetType");
  const targetId = str("targetId");
  const values = {
    reason: str("reason"),
    text: str("text"),
    redirectTo: safeRedirect(str("redirectTo"), "/"),
  };
  try {
    // A visitor gets the domain's "log in to report" message.
    await flagContent(getDb(), user, {
      targetType,
      targetId,
      reason: form.get("reason") ?? undefined,
      text: form.get("text") ?? undefined,
    });
  } catch (error) {
    return actionError(error, values);
  }
  publish(rooms.moderation(), "moderation:changed", { targetType, targetId });
  return data({ ok: true as const, values: { redirectTo: values.redirectTo } });
}

export default function FlagPage() {
  const t = useT();
  const result = useActionData<typeof action>();
  const back = typedValue(result, "redirectTo") ?? "/";
  return (
    <div className="stack narrow">
      <h1>{t("moderation.flag.pageTitle")}</h1>
      {result?.ok ? <p role="status">{t("moderation.flag.sent")}</p> : <FormErrors result={result} />}
      <p>
        <Link to={back}>{t("moderation.flag.back")}</Link>
      </p>
    </div>
  );
}
