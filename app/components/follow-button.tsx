import { useFetcher, useLocation } from "@remix-run/react";
import { useEffect, useState } from "react";
import type { FollowTargetType } from "~/domain/notifications/notifications.schema.ts";
import { useT } from "~/i18n/useT.ts";
import type { action as followAction } from "~/routes/follow.tsx";
import { CsrfInput } from "./forms.tsx";

/**
 * A toggle (aria-pressed) to follow a consultation, submission or live session. It is a real form posting to
 * /follow, so it works before hydration and without JavaScript (redirect back with a notice); once hydrated it
 * submits through a fetcher, shows the new state at once and confirms it in a polite status message.
 */
export function FollowButton({
  targetType,
  targetId,
  following,
}: {
  targetType: FollowTargetType;
  targetId: string;
  following: boolean;
}) {
  const t = useT();
  const location = useLocation();
  const fetcher = useFetcher<typeof followAction>();
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);

  const result = fetcher.data as { ok: boolean; following?: boolean } | undefined;
  const pendingIntent = fetcher.formData?.get("intent");
  const current =
    pendingIntent !== undefined && pendingIntent !== null
      ? pendingIntent === "follow"
      : result?.ok === true && typeof result.following === "boolean" && fetcher.state === "idle"
        ? result.following
        : following;
  const failed = fetcher.state === "idle" && result?.ok === false;
  const confirmation =
    fetcher.state === "idle" && result?.ok === true
      ? t(result.following ? "notifications.follow.nowFollowing" : "notifications.follow.noLongerFollowing")
      : "";

  return (
    <fetcher.Form method="post" action="/follow" className="follow-form">
      <CsrfInput />
      <input type="hidden" name="targetType" value={targetType} />
      <input type="hidden" name="targetId" value={targetId} />
      <input type="hidden" name="intent" value={current ? "unfollow" : "follow"} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      {hydrated ? <input type="hidden" name="mode" value="fetch" /> : null}
      <button
        type="submit"
        className={`button follow-button${current ? " is-following" : ""}`}
        aria-pressed={current}
      >
        <span aria-hidden="true" className="follow-icon">
          {current ? "✓" : "+"}
        </span>{" "}
        {current ? t("notifications.follow.following") : t("notifications.follow.follow")}
      </button>
      <span role="status" className="notifications-sr-only">
        {confirmation}
      </span>
      {failed ? (
        <span className="field-error follow-error" role="alert">
          {t(
            (result as { formError?: { key: string } }).formError?.key ?? "notifications.errors.followFailed",
          )}
        </span>
      ) : null}
    </fetcher.Form>
  );
}
