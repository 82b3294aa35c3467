// The consultation form shared by the "new" and "edit" pages (a folder route's extra file is not a route).
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useState, type ReactNode } from "react";
import { Checkbox, CsrfInput, Field, FieldFrame, FormErrors, fieldError } from "~/components/forms.tsx";
import { RichTextEditor } from "~/components/rich-text-editor.tsx";
import {
  CONSULTATION_BODY_MAX_CHARS,
  SCOPE_LEVELS,
  utcToAthensLocal,
} from "~/domain/consultations/consultations.schema.ts";
import { useLocale, useT } from "~/i18n/useT.ts";

type Named = { nameEl: string; nameEn: string };

export interface ConsultationFormOptions {
  regionalUnits: (Named & { code: string })[];
  municipalities: (Named & { id: string; regionalUnitCode: string })[];
  themes: (Named & { key: string })[];
  targetGroups: (Named & { key: string })[];
  committees: { id: string; name: string }[];
  strategyVersions: { id: string; label: string; status: string }[];
}

export interface ConsultationFormValues {
  title: string;
  slug: string;
  summary: string;
  scopeLevel: string;
  regionalUnitCode: string;
  municipalityId: string;
  committeeId: string;
  strategyVersionId: string;
  opensAt: string;
  closesAt: string;
  themes: string[];
  targetGroups: string[];
  preModeration: boolean;
  body: string;
  bodyFormat: "json" | "text";
}

export const EMPTY_CONSULTATION: ConsultationFormValues = {
  title: "",
  slug: "",
  summary: "",
  scopeLevel: "region",
  regionalUnitCode: "",
  municipalityId: "",
  committeeId: "",
  strategyVersionId: "",
  opensAt: "",
  closesAt: "",
  themes: [],
  targetGroups: [],
  preModeration: false,
  body: "",
  bodyFormat: "text",
};

/** A saved consultation as form values (dates in Athens time for the datetime-local inputs). */
export function valuesFromConsultation(c: {
  title: string;
  slug: string;
  summary: string;
  scopeLevel: string;
  regionalUnitCode: string | null;
  municipalityId: string | null;
  committeeId: string | null;
  strategyVersionId: string | null;
  opensAt: string | null;
  closesAt: string | null;
  themes: string[];
  targetGroups: string[];
  preModeration: boolean;
  bodyJson: unknown;
}): ConsultationFormValues {
  return {
    title: c.title,
    slug: c.slug,
    summary: c.summary,
    scopeLevel: c.scopeLevel,
    regionalUnitCode: c.regionalUnitCode ?? "",
    municipalityId: c.municipalityId ?? "",
    committeeId: c.committeeId ?? "",
    strategyVersionId: c.strategyVersionId ?? "",
    opensAt: utcToAthensLocal(c.opensAt),
    closesAt: utcToAthensLocal(c.closesAt),
    themes: c.themes,
    targetGroups: c.targetGroups,
    preModeration: c.preModeration,
    body: JSON.stringify(c.bodyJson),
    bodyFormat: "json",
  };
}

/** What a failed submit echoed back (see readConsultationForm), as form values. */
export function valuesFromEcho(values: Record<string, string> | undefined): ConsultationFormValues | null {
  if (!values) return null;
  const list = (v: string | undefined) => (v ? v.split(",").filter(Boolean) : []);
  return {
    title: values.title ?? "",
    slug: values.slug ?? "",
    summary: values.summary ?? "",
    scopeLevel: values.scopeLevel || "region",
    regionalUnitCode: values.regionalUnitCode ?? "",
    municipalityId: values.municipalityId ?? "",
    committeeId: values.committeeId ?? "",
    strategyVersionId: values.strategyVersionId ?? "",
    opensAt: values.opensAt ?? "",
    closesAt: values.closesAt ?? "",
    themes: list(values.themes),
    targetGroups: list(values.targetGroups),
    preModeration: values.preModeration === "on",
    body: values.body ?? "",
    bodyFormat: values.bodyFormat === "json" ? "json" : "text",
  };
}

type Result =
  | {
      ok: false;
      formError?: { key: string; params?: Record<string, string | number> };
      fieldErrors?: Record<string, string>;
      intent?: string;
    }
  | undefined;

function Select({
  id,
  name,
  label,
  hint,
  error,
  defaultValue,
  value,
  onChange,
  hidden,
  children,
}: {
  id: string;
  name: string;
  label: string;
  hint?: string;
  error?: string;
  defaultValue?: string;
  value?: string;
  onChange?: (value: string) => void;
  hidden?: boolean;
  children: ReactNode;
}) {
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} hidden={hidden}>
      {(aria) => (
        <select
          id={id}
          name={name}
          defaultValue={value === undefined ? defaultValue : undefined}
          value={value}
          onChange={onChange ? (e) => onChange(e.target.value) : undefined}
          {...aria}
        >
          {children}
        </select>
      )}
    </FieldFrame>
  );
}

function CheckboxGroup({
  name,
  legend,
  hint,
  error,
  options,
  checked,
}: {
  name: string;
  legend: string;
  hint?: string;
  error?: string;
  options: { value: string; label: string }[];
  checked: string[];
}) {
  const t = useT();
  const hintId = hint ? `${name}-hint` : undefined;
  const errorId = error ? `${name}-error` : undefined;
  return (
    <fieldset
      className="checkbox-group"
      aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
    >
      <legend>{legend}</legend>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="field-error" id={errorId}>
          {t(error)}
        </p>
      ) : null}
      <ul className="plain check-columns">
        {options.map((o) => (
          <li key={o.value}>
            <label className="inline-check">
              <input type="checkbox" name={name} value={o.value} defaultChecked={checked.includes(o.value)} />{" "}
              {o.label}
            </label>
          </li>
        ))}
      </ul>
    </fieldset>
  );
}

/** All of a consultation's fields. Scope selects hide what does not apply once JavaScript runs. */
export function ConsultationForm({
  options,
  values,
  result,
  submitLabel,
  draftKey,
}: {
  options: ConsultationFormOptions;
  values: ConsultationFormValues;
  result: Result;
  submitLabel: string;
  /**
   * Where the editor keeps an unsaved draft of the body. Only for a new consultation: the editor restores
   * drafts into an empty field, never over a saved body.
   */
  draftKey?: string;
}) {
  const t = useT();
  const locale = useLocale();
  const navigation = useNavigation();
  const name = (n: Named) => (locale === "en" ? n.nameEn : n.nameEl);
  const [scope, setScope] = useState(values.scopeLevel);
  const [unit, setUnit] = useState(values.regionalUnitCode);
  // Controlled: the options change when the unit does, and an uncontrolled select would lose its choice.
  const [municipality, setMunicipality] = useState(values.municipalityId);
  const chooseUnit = (code: string) => {
    setUnit(code);
    const m = options.municipalities.find((x) => x.id === municipality);
    if (code && m && m.regionalUnitCode !== code) setMunicipality("");
  };
  // Before hydration (and without JavaScript) every select shows; the server checks the combination.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  const failed = result && result.ok === false && (result.intent ?? "save") === "save" ? result : undefined;
  const err = (field: string) => fieldError(failed, field);
  const municipalities =
    hydrated && unit
      ? options.municipalities.filter((m) => m.regionalUnitCode === unit)
      : options.municipalities;
  const busy = navigation.state === "submitting" && navigation.formData?.get("intent") === "save";

  return (
    <Form method="post" className="stack manage-form" noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      <FormErrors result={failed} />

      <Field
        label={t("manage.fields.title")}
        name="title"
        defaultValue={values.title}
        error={err("title")}
        hint={t("manage.hints.title")}
        maxLength={200}
        required
      />
      <Field
        label={t("manage.fields.slug")}
        name="slug"
        defaultValue={values.slug}
        error={err("slug")}
        hint={t("manage.hints.slug")}
        maxLength={120}
        autoCapitalize="none"
        spellCheck={false}
      />
      <FieldFrame
        id="summary"
        label={t("manage.fields.summary")}
        hint={t("manage.hints.summary")}
        error={err("summary")}
      >
        {(aria) => (
          <textarea
            id="summary"
            name="summary"
            rows={4}
            maxLength={600}
            defaultValue={values.summary}
            {...aria}
            required
          />
        )}
      </FieldFrame>

      <RichTextEditor
        name="body"
        label={t("manage.fields.body")}
        maxChars={CONSULTATION_BODY_MAX_CHARS}
        defaultValue={values.body}
        defaultFormat={values.bodyFormat}
        error={err("body") ? t(err("body")!) : undefined}
        hint={t("manage.hints.body")}
        draftKey={draftKey}
        required
      />

      <fieldset>
        <legend>{t("manage.fields.scope")}</legend>
        <Select
          id="scopeLevel"
          name="scopeLevel"
          label={t("manage.fields.scopeLevel")}
          error={err("scopeLevel")}
          value={scope}
          onChange={setScope}
        >
          {SCOPE_LEVELS.map((s) => (
            <option key={s} value={s}>
              {t(`manage.scope.${s}`)}
            </option>
          ))}
        </Select>
        <Select
          id="regionalUnitCode"
          name="regionalUnitCode"
          label={t("manage.fields.regionalUnit")}
          hint={hydrated ? undefined : t("manage.hints.regionalUnit")}
          error={err("regionalUnitCode")}
          value={unit}
          onChange={chooseUnit}
          hidden={hydrated && scope === "region"}
        >
          <option value="">{t("manage.fields.none")}</option>
          {options.regionalUnits.map((u) => (
            <option key={u.code} value={u.code}>
              {name(u)}
            </option>
          ))}
        </Select>
        <Select
          id="municipalityId"
          name="municipalityId"
          label={t("manage.fields.municipality")}
          hint={hydrated ? undefined : t("manage.hints.municipality")}
          error={err("municipalityId")}
          value={municipality}
          onChange={setMunicipality}
          hidden={hydrated && scope !== "municipality"}
        >
          <option value="">{t("manage.fields.none")}</option>
          {hydrated && unit
            ? municipalities.map((m) => (
                <option key={m.id} value={m.id}>
                  {name(m)}
                </option>
              ))
            : options.regionalUnits.map((u) => (
                <optgroup key={u.code} label={name(u)}>
                  {options.municipalities
                    .filter((m) => m.regionalUnitCode === u.code)
                    .map((m) => (
                      <option key={m.id} value={m.id}>
                        {name(m)}
                      </option>
                    ))}
                </optgroup>
              ))}
        </Select>
      </fieldset>

      <CheckboxGroup
        name="themes"
        legend={t("manage.fields.themes")}
        hint={t("manage.hints.themes")}
        error={err("themes")}
        options={options.themes.map((o) => ({ value: o.key, label: name(o) }))}
        checked={values.themes}
      />
      <CheckboxGroup
        name="targetGroups"
        legend={t("manage.fields.targetGroups")}
        hint={t("manage.hints.targetGroups")}
        error={err("targetGroups")}
        options={options.targetGroups.map((o) => ({ value: o.key, label: name(o) }))}
        checked={values.targetGroups}
      />

      <fieldset>
        <legend>{t("manage.fields.dates")}</legend>
        <p className="hint">{t("manage.hints.dates")}</p>
        <Field
          type="datetime-local"
          label={t("manage.fields.opensAt")}
          name="opensAt"
          defaultValue={values.opensAt}
          error={err("opensAt")}
          hint={t("manage.hints.opensAt")}
        />
        <Field
          type="datetime-local"
          label={t("manage.fields.closesAt")}
          name="closesAt"
          defaultValue={values.closesAt}
          error={err("closesAt")}
          hint={t("manage.hints.closesAt")}
        />
      </fieldset>

      <fieldset>
        <legend>{t("manage.fields.links")}</legend>
        <Select
          id="committeeId"
          name="committeeId"
          label={t("manage.fields.committee")}
          error={err("committeeId")}
          defaultValue={values.committeeId}
        >
          <option value="">{t("manage.fields.none")}</option>
          {options.committees.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </Select>
        <Select
          id="strategyVersionId"
          name="strategyVersionId"
          label={t("manage.fields.strategyVersion")}
          error={err("strategyVersionId")}
          defaultValue={values.strategyVersionId}
        >
          <option value="">{t("manage.fields.none")}</option>
          {options.strategyVersions.map((s) => (
            <option key={s.id} value={s.id}>
              {t("manage.strategyVersionOption", {
                label: s.label,
                status: t(`manage.strategyStatus.${s.status}`),
              })}
            </option>
          ))}
        </Select>
      </fieldset>

      <Checkbox
        id="preModeration"
        name="preModeration"
        label={t("manage.fields.preModeration")}
        hint={t("manage.hints.preModeration")}
        defaultChecked={values.preModeration}
      />

      <p>
        <button type="submit" className="button primary" disabled={busy}>
          {submitLabel}
        </button>
      </p>
    </Form>
  );
}
