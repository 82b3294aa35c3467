import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from "react";
import { useRootData, useT } from "~/i18n/useT.ts";

/** The CSRF token every mutating form carries. */
export function CsrfInput() {
  const { csrfToken } = useRootData();
  return <input type="hidden" name="_csrf" value={csrfToken} />;
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  name: string;
  error?: string;
  hint?: string;
};

/** A labelled input with its hint and error tied to it for screen readers. */
export function Field({ label, name, error, hint, id, ...input }: FieldProps) {
  const t = useT();
  const auto = useId();
  const inputId = id ?? `${name}-${auto}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  return (
    <div className="field">
      <label htmlFor={inputId}>{label}</label>
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
      <input
        id={inputId}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(" ") || undefined}
        {...input}
      />
    </div>
  );
}

/** What the control of a FieldFrame puts on itself: its error state and the ids of what describes it. */
export interface FieldAria {
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

/**
 * A labelled control other than a plain input (textarea, select, controlled input), with its hint and error
 * tied to it for screen readers as in Field: `children` renders the control with id `id`, spreading `aria`.
 */
export function FieldFrame({
  id,
  label,
  hint,
  error,
  hidden,
  children,
}: {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  hidden?: boolean;
  children: (aria: FieldAria) => ReactNode;
}) {
  const t = useT();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className="field" hidden={hidden}>
      <label htmlFor={id}>{label}</label>
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
      {children({
        "aria-invalid": error ? true : undefined,
        "aria-describedby": [hintId, errorId].filter(Boolean).join(" ") || undefined,
      })}
    </div>
  );
}

export function Checkbox({
  label,
  name,
  error,
  hint,
  id: givenId,
  defaultChecked,
}: {
  label: ReactNode;
  name: string;
  error?: string;
  /** Shown after the label. */
  hint?: ReactNode;
  id?: string;
  defaultChecked?: boolean;
}) {
  const t = useT();
  const auto = useId();
  const id = givenId ?? auto;
  const errorId = error ? `${id}-error` : undefined;
  const hintId = hint ? `${id}-hint` : undefined;
  return (
    <div className="field checkbox">
      {error ? (
        <p className="field-error" id={errorId}>
          {t(error)}
        </p>
      ) : null}
      <input
        type="checkbox"
        id={id}
        name={name}
        defaultChecked={defaultChecked}
        aria-invalid={error ? true : undefined}
        aria-describedby={[errorId, hintId].filter(Boolean).join(" ") || undefined}
      />
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
    </div>
  );
}

type ActionResult =
  | {
      ok: false;
      formError?: { key: string; params?: Record<string, string | number> };
      fieldErrors?: Record<string, string>;
    }
  | { ok: true }
  | undefined;

/** Error summary at the top of a form; takes focus so keyboard and screen-reader users land on it. */
export function FormErrors({ result }: { result: ActionResult }) {
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const failed = result && result.ok === false ? result : null;
  useEffect(() => {
    if (failed) ref.current?.focus();
  }, [failed]);
  if (!failed) return null;
  const fields = Object.values(failed.fieldErrors ?? {});
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <p>{t(failed.formError?.key ?? "errors.invalid", failed.formError?.params)}</p>
      {fields.length > 0 ? (
        <ul>
          {fields.map((key, i) => (
            <li key={i}>{t(key)}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function fieldError(result: ActionResult, name: string): string | undefined {
  return result && result.ok === false ? result.fieldErrors?.[name] : undefined;
}

export function typedValue(result: unknown, name: string): string | undefined {
  const values = (result as { values?: Record<string, string> } | undefined)?.values;
  return values?.[name];
}
