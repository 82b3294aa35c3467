import { Form } from "@remix-run/react";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { CsrfInput, FormErrors, fieldError, typedValue } from "./forms.tsx";

/** What an appeal page knows about the decision (AppealContext, as the loader sends it). */
export interface AppealDecision {
  action: string;
  targetType: string;
  reasonCode: string;
  message: string;
  createdAt: string | Date;
  endsAt: string | null;
  title: string;
  state: "open" | "appealed" | "not_appealable" | "not_in_force";
  appealStatus: "pending" | "upheld" | "rejected" | null;
}

type Result = Parameters<typeof FormErrors>[0]["result"];

/** The decision appealed (what, when, which rule, the moderators' words) and the one-time appeal form. */
export function ModerationAppeal({
  decision,
  result,
  sent,
}: {
  decision: AppealDecision;
  result: Result;
  /** The appeal was just sent (the form is replaced by the confirmation). */
  sent: boolean;
}) {
  const t = useT();
  const locale = useLocale();
  const what =
    decision.action === "block"
      ? decision.endsAt
        ? t("moderation.appeal.blockedUntil", { until: formatDateTime(locale, decision.endsAt) })
        : t("moderation.appeal.blocked")
      : t("moderation.appeal.contentDecision", {
          action: t(`moderation.actions.${decision.action}`),
          target: t(`moderation.targets.${decision.targetType}`),
          title: decision.title,
        });
  const textError = fieldError(result, "text");
  return (
    <div className="stack">
      <section className="card stack" aria-labelledby="decision-heading">
        <h2 id="decision-heading">{t("moderation.appeal.decision")}</h2>
        <p>{what}</p>
        <dl className="facts">
          <dt>{t("moderation.appeal.when")}</dt>
          <dd>{formatDateTime(locale, decision.createdAt)}</dd>
          <dt>{t("moderation.appeal.rule")}</dt>
          <dd>{t(`moderation.reasons.${decision.reasonCode}`)}</dd>
          <dt>{t("moderation.appeal.message")}</dt>
          <dd>{decision.message || t("moderation.notice.noMessage")}</dd>
        </dl>
      </section>
      <FormErrors result={result} />
      {sent ? (
        <p className="notice" role="status">
          {t("moderation.appeal.sent")}
        </p>
      ) : decision.state === "appealed" ? (
        <p className="notice">{t(`moderation.appeal.already.${decision.appealStatus ?? "pending"}`)}</p>
      ) : decision.state !== "open" ? (
        <p className="notice">{t(`moderation.appeal.state.${decision.state}`)}</p>
      ) : (
        <section className="card stack" aria-labelledby="appeal-heading">
          <h2 id="appeal-heading">{t("moderation.appeal.formTitle")}</h2>
          <p>{t("moderation.appeal.intro")}</p>
          <Form method="post" className="stack" aria-labelledby="appeal-heading">
            <CsrfInput />
            <div className="field">
              <label htmlFor="appeal-text">{t("moderation.appeal.text")}</label>
              <p className="hint" id="appeal-text-hint">
                {t("moderation.appeal.textHint")}
              </p>
              {textError ? (
                <p className="field-error" id="appeal-text-error">
                  {t(textError)}
                </p>
              ) : null}
              <textarea
                id="appeal-text"
                name="text"
                rows={6}
                aria-invalid={textError ? true : undefined}
                aria-describedby={["appeal-text-hint", textError ? "appeal-text-error" : ""]
                  .filter(Boolean)
                  .join(" ")}
                defaultValue={typedValue(result, "text") ?? ""}
              />
            </div>
            <button type="submit" className="button primary">
              {t("moderation.appeal.submit")}
            </button>
          </Form>
        </section>
      )}
    </div>
  );
}
