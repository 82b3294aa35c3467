// The scheduling form shared by the "new session" and "edit session" pages.
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type KeyboardEvent } from "react";
import { Checkbox, CsrfInput, Field, FieldFrame, FormErrors, fieldError } from "~/components/forms.tsx";
import { LiveAnnouncer, useAnnouncer, useHydrated } from "~/components/live.tsx";
import { utcToAthensLocal } from "~/domain/consultations/consultations.schema.ts";
import { SESSION_LIMITS, SESSION_MODES } from "~/domain/sessions/sessions.schema.ts";
import { useT } from "~/i18n/useT.ts";

export interface SessionFormOptionsView {
  committees: { id: string; name: string }[];
  consultations: { id: string; title: string; phase: string }[];
}

export interface AgendaRowValue {
  id: string;
  title: string;
  description: string;
}

export interface SessionFormValues {
  title: string;
  description: string;
  committeeId: string;
  consultationId: string;
  startsAt: string;
  endsAt: string;
  place: string;
  onlineUrl: string;
  mode: string;
  preModerateQuestions: boolean;
  agenda: AgendaRowValue[];
}

export const EMPTY_SESSION: SessionFormValues = {
  title: "",
  description: "",
  committeeId: "",
  consultationId: "",
  startsAt: "",
  endsAt: "",
  place: "",
  onlineUrl: "",
  mode: "",
  preModerateQuestions: false,
  agenda: [{ id: "", title: "", description: "" }],
};

/** A saved session as form values (times in Athens wall-clock for the datetime-local inputs). */
export function valuesFromSession(s: {
  title: string;
  description: string;
  committeeId: string;
  consultationId: string | null;
  startsAt: string;
  endsAt: string | null;
  place: string | null;
  onlineUrl: string | null;
  mode: string;
  preModerateQuestions: boolean;
  agendaItems: { id: string; title: string; description: string }[];
}): SessionFormValues {
  return {
    title: s.title,
    description: s.description,
    committeeId: s.committeeId,
    consultationId: s.consultationId ?? "",
    startsAt: utcToAthensLocal(s.startsAt),
    endsAt: utcToAthensLocal(s.endsAt),
    place: s.place ?? "",
    onlineUrl: s.onlineUrl ?? "",
    mode: s.mode,
    preModerateQuestions: s.preModerateQuestions,
    agenda: s.agendaItems.map((a) => ({ id: a.id, title: a.title, description: a.description })),
  };
}

/** What a refused or re-rendered submit echoed back (see readSessionForm), as form values. */
export function valuesFromEcho(values: Record<string, string> | undefined): SessionFormValues | null {
  if (!values) return null;
  let agenda: AgendaRowValue[] = [];
  try {
    const parsed: unknown = JSON.parse(values.agenda ?? "[]");
    if (Array.isArray(parsed)) {
      agenda = parsed.map((r: Partial<AgendaRowValue>) => ({
        id: typeof r?.id === "string" ? r.id : "",
        title: typeof r?.title === "string" ? r.title : "",
        description: typeof r?.description === "string" ? r.description : "",
      }));
    }
  } catch {
    // a hand-made post: start from an empty agenda
  }
  return {
    title: values.title ?? "",
    description: values.description ?? "",
    committeeId: values.committeeId ?? "",
    consultationId: values.consultationId ?? "",
    startsAt: values.startsAt ?? "",
    endsAt: values.endsAt ?? "",
    place: values.place ?? "",
    onlineUrl: values.onlineUrl ?? "",
    mode: values.mode ?? "",
    preModerateQuestions: values.preModerateQuestions === "on",
    agenda,
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

interface Row extends AgendaRowValue {
  key: number;
}

/**
 * The agenda rows: add, remove, move up and down. Each button is a real submit button (`agendaOp`), so the
 * server does the change when JavaScript is off; once hydrated the change happens here, focus stays on the
 * moved row's button (or the next sensible control), and a polite message says what happened.
 */
function AgendaEditor({ initial, errors }: { initial: AgendaRowValue[]; errors: Record<string, string> }) {
  const t = useT();
  const hydrated = useHydrated();
  const nextKey = useRef(initial.length);
  const [rows, setRows] = useState<Row[]>(() => initial.map((r, i) => ({ ...r, key: i })));
  const [message, announce] = useAnnouncer();
  const container = useRef<HTMLDivElement>(null);

  // Focus moves after React has rendered the change (the element may be new, or moved).
  const pendingFocus = useRef<string | null>(null);
  useEffect(() => {
    if (!pendingFocus.current) return;
    (container.current?.querySelector(pendingFocus.current) as HTMLElement | null)?.focus();
    pendingFocus.current = null;
  });
  const focusLater = (selector: string) => {
    pendingFocus.current = selector;
  };
  const update = (key: number, field: "title" | "description", value: string) =>
    setRows((rs) => rs.map((r) => (r.key === key ? { ...r, [field]: value } : r)));

  const op = (event: { preventDefault(): void }, kind: "add" | "remove" | "up" | "down", index = -1) => {
    if (!hydrated) return; // the form posts and the server applies it
    event.preventDefault();
    if (kind === "add") {
      if (rows.length >= SESSION_LIMITS.agendaMax) return;
      const key = nextKey.current++;
      setRows([...rows, { id: "", title: "", description: "", key }]);
      focusLater(`#agenda-${key}-title`);
      announce(t("sessions.form.agenda.added", { number: rows.length + 1 }));
      return;
    }
    const row = rows[index];
    if (!row) return;
    if (kind === "remove") {
      const next = rows.filter((_, i) => i !== index);
      setRows(next);
      const focus = next[index] ?? next[index - 1];
      focusLater(focus ? `#agenda-${focus.key}-title` : "#agenda-add");
      announce(t("sessions.form.agenda.removed", { number: index + 1 }));
      return;
    }
    const to = kind === "up" ? index - 1 : index + 1;
    if (to < 0 || to >= rows.length) return;
    const next = [...rows];
    [next[index], next[to]] = [next[to], next[index]];
    setRows(next);
    // Keep focus on the same button of the moved row; at an edge that button disappears, use the other.
    const edge = (kind === "up" && to === 0) || (kind === "down" && to === rows.length - 1);
    const other = kind === "up" ? "down" : "up";
    focusLater(`#agenda-${row.key}-${edge ? other : kind}`);
    announce(
      t("sessions.form.agenda.moved", {
        title: row.title || t("sessions.form.agenda.untitled"),
        position: to + 1,
      }),
    );
  };

  // Alt+ArrowUp / Alt+ArrowDown inside a row move it, as a shortcut for the buttons.
  const onRowKeyDown = (event: KeyboardEvent, index: number) => {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    const kind = event.key === "ArrowUp" ? "up" : "down";
    const to = kind === "up" ? index - 1 : index + 1;
    if (to < 0 || to >= rows.length) return;
    const focusedId = (event.target as HTMLElement).id;
    op(event, kind, index);
    const row = rows[index];
    if (focusedId.startsWith(`agenda-${row.key}-`)) focusLater(`#${focusedId}`);
  };

  const agendaError = errors.agenda;
  return (
    <fieldset className="session-agenda" aria-describedby={agendaError ? "agenda-error" : "agenda-hint"}>
      <legend>{t("sessions.form.agenda.legend")}</legend>
      <p className="hint" id="agenda-hint">
        {t("sessions.form.agenda.hint", { max: SESSION_LIMITS.agendaMax })}
      </p>
      {agendaError ? (
        <p className="field-error" id="agenda-error">
          {t(agendaError)}
        </p>
      ) : null}
      <div ref={container}>
        <ol className="plain">
          {rows.map((row, i) => {
            const titleError = errors[`agenda.${i}.title`];
            const descriptionError = errors[`agenda.${i}.description`];
            const label = t("sessions.form.agenda.item", { number: i + 1 });
            return (
              <li key={row.key} className="session-agenda-row" onKeyDown={(e) => onRowKeyDown(e, i)}>
                <fieldset>
                  <legend>{label}</legend>
                  <input type="hidden" name="agendaId" value={row.id} />
                  <FieldFrame
                    id={`agenda-${row.key}-title`}
                    label={t("sessions.form.agenda.title")}
                    error={titleError}
                  >
                    {(aria) => (
                      <input
                        id={`agenda-${row.key}-title`}
                        name="agendaTitle"
                        value={row.title}
                        onChange={(e) => update(row.key, "title", e.target.value)}
                        maxLength={SESSION_LIMITS.agendaTitleMax}
                        {...aria}
                      />
                    )}
                  </FieldFrame>
                  <FieldFrame
                    id={`agenda-${row.key}-description`}
                    label={t("sessions.form.agenda.description")}
                    error={descriptionError}
                  >
                    {(aria) => (
                      <textarea
                        id={`agenda-${row.key}-description`}
                        name="agendaDescription"
                        rows={2}
                        value={row.description}
                        onChange={(e) => update(row.key, "description", e.target.value)}
                        maxLength={SESSION_LIMITS.agendaDescriptionMax}
                        {...aria}
                      />
                    )}
                  </FieldFrame>
                  <div className="session-row-actions">
                    {i > 0 ? (
                      <button
                        type="submit"
                        name="agendaOp"
                        value={`up:${i}`}
                        id={`agenda-${row.key}-up`}
                        className="button"
                        formNoValidate
                        aria-label={t("sessions.form.agenda.moveUpOf", { number: i + 1 })}
                        onClick={(e) => op(e, "up", i)}
                      >
                        {t("sessions.form.agenda.moveUp")}
                      </button>
                    ) : null}
                    {i < rows.length - 1 ? (
                      <button
                        type="submit"
                        name="agendaOp"
                        value={`down:${i}`}
                        id={`agenda-${row.key}-down`}
                        className="button"
                        formNoValidate
                        aria-label={t("sessions.form.agenda.moveDownOf", { number: i + 1 })}
                        onClick={(e) => op(e, "down", i)}
                      >
                        {t("sessions.form.agenda.moveDown")}
                      </button>
                    ) : null}
                    {rows.length > 1 ? (
                      <button
                        type="submit"
                        name="agendaOp"
                        value={`remove:${i}`}
                        id={`agenda-${row.key}-remove`}
                        className="button"
                        formNoValidate
                        aria-label={t("sessions.form.agenda.removeOf", { number: i + 1 })}
                        onClick={(e) => op(e, "remove", i)}
                      >
                        {t("sessions.form.agenda.remove")}
                      </button>
                    ) : null}
                  </div>
                </fieldset>
              </li>
            );
          })}
        </ol>
        {rows.length < SESSION_LIMITS.agendaMax ? (
          <p>
            <button
              type="submit"
              name="agendaOp"
              value="add"
              id="agenda-add"
              className="button"
              formNoValidate
              onClick={(e) => op(e, "add")}
            >
              {t("sessions.form.agenda.add")}
            </button>
          </p>
        ) : null}
      </div>
      <LiveAnnouncer message={message} />
    </fieldset>
  );
}

/** Every field of a session. The times are typed in Athens time, like the consultation form's. */
export function SessionForm({
  options,
  values,
  result,
  submitLabel,
}: {
  options: SessionFormOptionsView;
  values: SessionFormValues;
  result: Result;
  submitLabel: string;
}) {
  const t = useT();
  const navigation = useNavigation();
  const failed = result && result.ok === false && (result.intent ?? "save") === "save" ? result : undefined;
  const errors = failed?.fieldErrors ?? {};
  const err = (field: string) => fieldError(failed, field);
  const busy = navigation.state === "submitting" && !navigation.formData?.get("agendaOp");
  // A fresh key per echo: the agenda editor starts again from what the server sent back.
  const agendaKey = JSON.stringify(values.agenda);

  return (
    <Form method="post" className="stack manage-form session-form" noValidate>
      <CsrfInput />
      <input type="hidden" name="intent" value="save" />
      {/* Enter in a field submits with the first submit button: make that "save", not an agenda button. */}
      <button type="submit" className="visually-hidden" tabIndex={-1} aria-hidden="true">
        {submitLabel}
      </button>
      <FormErrors result={failed} />

      <Field
        id="title"
        label={t("sessions.form.title")}
        name="title"
        defaultValue={values.title}
        error={err("title")}
        maxLength={SESSION_LIMITS.titleMax}
        required
      />
      <FieldFrame
        id="description"
        label={t("sessions.form.description")}
        hint={t("sessions.form.descriptionHint")}
        error={err("description")}
      >
        {(aria) => (
          <textarea
            id="description"
            name="description"
            rows={4}
            maxLength={SESSION_LIMITS.descriptionMax}
            defaultValue={values.description}
            {...aria}
          />
        )}
      </FieldFrame>

      <FieldFrame
        id="committeeId"
        label={t("sessions.form.committee")}
        hint={t("sessions.form.committeeHint")}
        error={err("committeeId")}
      >
        {(aria) => (
          <select
            id="committeeId"
            name="committeeId"
            defaultValue={
              values.committeeId || (options.committees.length === 1 ? options.committees[0].id : "")
            }
            {...aria}
            required
          >
            <option value="">{t("sessions.form.choose")}</option>
            {options.committees.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </FieldFrame>

      <FieldFrame id="consultationId" label={t("sessions.form.consultation")} error={err("consultationId")}>
        {(aria) => (
          <select id="consultationId" name="consultationId" defaultValue={values.consultationId} {...aria}>
            <option value="">{t("sessions.form.noConsultation")}</option>
            {options.consultations.map((c) => (
              <option key={c.id} value={c.id}>
                {c.title}
              </option>
            ))}
          </select>
        )}
      </FieldFrame>

      <fieldset>
        <legend>{t("sessions.form.dates")}</legend>
        <p className="hint">{t("sessions.form.datesHint")}</p>
        <Field
          id="startsAt"
          type="datetime-local"
          label={t("sessions.form.startsAt")}
          name="startsAt"
          defaultValue={values.startsAt}
          error={err("startsAt")}
          required
        />
        <Field
          id="endsAt"
          type="datetime-local"
          label={t("sessions.form.endsAt")}
          name="endsAt"
          defaultValue={values.endsAt}
          error={err("endsAt")}
          hint={t("sessions.form.endsAtHint")}
        />
      </fieldset>

      <fieldset className="session-modes" aria-describedby={err("mode") ? "mode-error" : undefined}>
        <legend>{t("sessions.form.mode")}</legend>
        {err("mode") ? (
          <p className="field-error" id="mode-error">
            {t(err("mode")!)}
          </p>
        ) : null}
        {SESSION_MODES.map((m) => (
          <label key={m} className="inline-check">
            <input type="radio" name="mode" value={m} defaultChecked={values.mode === m} />{" "}
            {t(`sessions.modes.${m}`)}
          </label>
        ))}
      </fieldset>

      <Field
        id="place"
        label={t("sessions.form.place")}
        name="place"
        defaultValue={values.place}
        error={err("place")}
        hint={t("sessions.form.placeHint")}
        maxLength={SESSION_LIMITS.placeMax}
      />
      <Field
        id="onlineUrl"
        type="url"
        inputMode="url"
        label={t("sessions.form.onlineUrl")}
        name="onlineUrl"
        defaultValue={values.onlineUrl}
        error={err("onlineUrl")}
        hint={t("sessions.form.onlineUrlHint")}
        maxLength={SESSION_LIMITS.urlMax}
        autoCapitalize="none"
        spellCheck={false}
      />

      <Checkbox
        id="preModerateQuestions"
        name="preModerateQuestions"
        label={t("sessions.form.preModerate")}
        hint={t("sessions.form.preModerateHint")}
        defaultChecked={values.preModerateQuestions}
      />

      <AgendaEditor key={agendaKey} initial={values.agenda} errors={errors} />

      <p>
        <button type="submit" className="button primary" disabled={busy}>
          {submitLabel}
        </button>
      </p>
    </Form>
  );
}
