/**
 * "Report": a disclosure with the flag reasons and an explanation, posted to /flag through a fetcher so the
 * reader stays where they are (without JavaScript the form posts normally and /flag shows the result).
 */
import { useFetcher, useLocation } from "@remix-run/react";
import { useId } from "react";
import { CsrfInput, FormErrors, typedValue } from "~/components/forms.tsx";
import { FLAG_REASONS } from "~/domain/moderation/moderation.schema.ts";
import { useT } from "~/i18n/useT.ts";
import type { action } from "~/routes/flag.tsx";

export function FlagForm({
  targetType,
  targetId,
}: {
  targetType: "submission" | "comment" | "user";
  targetId: string;
}) {
  const t = useT();
  const id = useId();
  const location = useLocation();
  const fetcher = useFetcher<typeof action>();
  const result = fetcher.data;
  const textError = result && result.ok === false ? result.fieldErrors?.text : undefined;
  return (
    <details className="flag-form">
      <summary>{t("moderation.flag.summary")}</summary>
      {result?.ok ? (
        <p role="status">{t("moderation.flag.sent")}</p>
      ) : (
        <fetcher.Form method="post" action="/flag" className="stack">
          <CsrfInput />
          <input type="hidden" name="targetType" value={targetType} />
          <input type="hidden" name="targetId" value={targetId} />
          <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
          <FormErrors result={result} />
          <fieldset>
            <legend>{t("moderation.flag.legend")}</legend>
            {FLAG_REASONS.map((reason) => (
              <label key={reason} className="inline-check">
                <input
                  type="radio"
                  name="reason"
                  value={reason}
                  defaultChecked={typedValue(result, "reason") === reason}
                />{" "}
                {t(`moderation.flagReasons.${reason}`)}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-text`}>{t("moderation.flag.text")}</label>
            <p className="hint" id={`${id}-hint`}>
              {t("moderation.flag.textHint")}
            </p>
            {textError ? (
              <p className="field-error" id={`${id}-error`}>
                {t(textError)}
              </p>
            ) : null}
            <textarea
              id={`${id}-text`}
              name="text"
              rows={3}
              aria-invalid={textError ? true : undefined}
              aria-describedby={textError ? `${id}-hint ${id}-error` : `${id}-hint`}
              defaultValue={typedValue(result, "text") ?? ""}
            />
          </div>
          <p>
            <button type="submit" className="button" disabled={fetcher.state !== "idle"}>
              {t("moderation.flag.submit")}
            </button>
          </p>
        </fetcher.Form>
      )}
    </details>
  );
}
