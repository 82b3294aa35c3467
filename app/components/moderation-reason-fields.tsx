import { REASON_CODES } from "~/domain/moderation/moderation.schema.ts";
import { useT } from "~/i18n/useT.ts";
import { fieldError, typedValue } from "./forms.tsx";

type Result = Parameters<typeof fieldError>[0];

/**
 * The rule a moderator applies and their message to the author, for the moderation action pages: labelled,
 * errors tied to their field, and what was typed kept after a refusal.
 */
export function ModerationReasonFields({
  id,
  result,
  defaultReason = "",
}: {
  /** Prefix of the field ids (unique per form on the page). */
  id: string;
  result: Result;
  defaultReason?: string;
}) {
  const t = useT();
  const reasonError = fieldError(result, "reasonCode");
  const messageError = fieldError(result, "message");
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-reason`}>{t("moderation.queue.reasonCode")}</label>
        {reasonError ? (
          <p className="field-error" id={`${id}-reason-error`}>
            {t(reasonError)}
          </p>
        ) : null}
        <select
          id={`${id}-reason`}
          name="reasonCode"
          defaultValue={typedValue(result, "reasonCode") ?? defaultReason}
          aria-invalid={reasonError ? true : undefined}
          aria-describedby={reasonError ? `${id}-reason-error` : undefined}
        >
          <option value="">{t("moderation.queue.chooseReason")}</option>
          {REASON_CODES.map((code) => (
            <option key={code} value={code}>
              {t(`moderation.reasons.${code}`)}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-message`}>{t("moderation.queue.message")}</label>
        <p className="hint" id={`${id}-message-hint`}>
          {t("moderation.queue.messageHint")}
        </p>
        {messageError ? (
          <p className="field-error" id={`${id}-message-error`}>
            {t(messageError)}
          </p>
        ) : null}
        <textarea
          id={`${id}-message`}
          name="message"
          rows={3}
          aria-invalid={messageError ? true : undefined}
          aria-describedby={[`${id}-message-hint`, messageError ? `${id}-message-error` : ""]
            .filter(Boolean)
            .join(" ")}
          defaultValue={typedValue(result, "message") ?? ""}
        />
      </div>
    </>
  );
}
