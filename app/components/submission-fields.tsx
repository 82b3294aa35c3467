import type { ReactNode } from "react";
import { SUBMISSION_KINDS, SUBMISSION_LIMITS } from "~/domain/submissions/submissions.schema.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { Field } from "./forms.tsx";

type Named = { nameEl: string; nameEn: string };

export interface SubmissionFieldOptions {
  municipalities: (Named & { id: string })[];
  groups: (Named & { key: string })[];
  organisations: { id: string; name: string }[];
}

/** The fields a submission shares between posting and editing (the body editor is added by the page). */
export function SubmissionFields({
  options,
  values,
  errors,
  titleId,
  afterTitle,
}: {
  options: SubmissionFieldOptions;
  values?: Record<string, string>;
  errors?: Record<string, string>;
  titleId: string;
  afterTitle?: ReactNode;
}) {
  const t = useT();
  const locale = useLocale();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameEl);
  const groups = new Set((values?.targetGroups ?? "").split(",").filter(Boolean));
  const errorText = (field: string) => (errors?.[field] ? t(errors[field]) : null);
  return (
    <>
      <fieldset className="field" aria-describedby={errors?.kind ? "kind-error" : undefined}>
        <legend>{t("submissions.fields.kind")}</legend>
        {errors?.kind ? (
          <p className="field-error" id="kind-error">
            {errorText("kind")}
          </p>
        ) : null}
        {SUBMISSION_KINDS.map((kind) => (
          <div className="inline-check" key={kind}>
            <input
              type="radio"
              id={`kind-${kind}`}
              name="kind"
              value={kind}
              defaultChecked={(values?.kind ?? "proposal") === kind}
            />
            <label htmlFor={`kind-${kind}`}>
              {t(`submissions.kinds.${kind}`)}{" "}
              <span className="hint">{t(`submissions.kindHints.${kind}`)}</span>
            </label>
          </div>
        ))}
      </fieldset>
      <Field
        id={titleId}
        label={t("submissions.fields.title")}
        hint={t("submissions.fields.titleHint", {
          min: SUBMISSION_LIMITS.titleMin,
          max: SUBMISSION_LIMITS.titleMax,
        })}
        name="title"
        required
        maxLength={SUBMISSION_LIMITS.titleMax}
        defaultValue={values?.title}
        error={errors?.title}
        autoComplete="off"
      />
      {afterTitle}
      <div className="field">
        <label htmlFor="submission-municipality">{t("submissions.fields.municipality")}</label>
        <p className="hint" id="submission-municipality-hint">
          {t("submissions.fields.municipalityHint")}
        </p>
        {errors?.municipalityId ? (
          <p className="field-error" id="submission-municipality-error">
            {errorText("municipalityId")}
          </p>
        ) : null}
        <select
          id="submission-municipality"
          name="municipalityId"
          defaultValue={values?.municipalityId ?? ""}
          aria-describedby={`submission-municipality-hint${errors?.municipalityId ? " submission-municipality-error" : ""}`}
          aria-invalid={errors?.municipalityId ? true : undefined}
        >
          <option value="">{t("submissions.fields.noMunicipality")}</option>
          {options.municipalities.map((m) => (
            <option key={m.id} value={m.id}>
              {name(m)}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="field">
        <legend>{t("submissions.fields.targetGroups")}</legend>
        <p className="hint">{t("submissions.fields.targetGroupsHint")}</p>
        {errors?.targetGroups ? <p className="field-error">{errorText("targetGroups")}</p> : null}
        <div className="check-grid">
          {options.groups.map((g) => (
            <div className="inline-check" key={g.key}>
              <input
                type="checkbox"
                id={`group-${g.key}`}
                name="targetGroups"
                value={g.key}
                defaultChecked={groups.has(g.key)}
              />
              <label htmlFor={`group-${g.key}`}>{name(g)}</label>
            </div>
          ))}
        </div>
      </fieldset>
      {options.organisations.length > 0 ? (
        <div className="field">
          <label htmlFor="submission-organisation">{t("submissions.fields.organisation")}</label>
          {errors?.organisationId ? (
            <p className="field-error" id="submission-organisation-error">
              {errorText("organisationId")}
            </p>
          ) : null}
          <select
            id="submission-organisation"
            name="organisationId"
            defaultValue={values?.organisationId ?? ""}
            aria-invalid={errors?.organisationId ? true : undefined}
            aria-describedby={errors?.organisationId ? "submission-organisation-error" : undefined}
          >
            <option value="">{t("submissions.fields.asMyself")}</option>
            {options.organisations.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
    </>
  );
}
