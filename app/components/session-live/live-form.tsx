import { Form } from "@remix-run/react";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { CsrfInput } from "~/components/forms.tsx";
import { useT } from "~/i18n/useT.ts";
import type { SessionCommand, SessionCommandAck } from "~/realtime/events.ts";

export type LiveError = { messageKey: string; fieldErrors?: Record<string, string> } | null;

/** What a failed no-JS post returned (actionError), for the form it names. */
export type ActionFailure = {
  ok: false;
  intent?: string;
  formError?: { key: string; params?: Record<string, string | number> };
  fieldErrors?: Record<string, string>;
  values?: Record<string, string>;
};

export interface LiveFormProps {
  command: SessionCommand;
  /** Tells this form's no-JS error apart from another form's with the same command. */
  formKey: string;
  /** Hidden fields (ids): sent by the no-JS post and part of the socket command's args. */
  hidden?: Record<string, string>;
  /** The command's args from the form's fields (the hidden ones are added). */
  toArgs?: (form: FormData) => Record<string, unknown>;
  /** Sends over the socket; returns null when the page should post the form instead (offline). */
  send: (command: SessionCommand, args: Record<string, unknown>) => Promise<SessionCommandAck> | null;
  onDone?: (data: Record<string, unknown> | undefined, form: HTMLFormElement) => void;
  onError?: (error: NonNullable<LiveError>) => void;
  actionData?: ActionFailure | null;
  className?: string;
  "aria-label"?: string;
  children: (ctx: { error: LiveError; errorId: string; busy: boolean }) => ReactNode;
}

/**
 * A form that works twice: without JavaScript (or offline) it posts to the route's action, which calls
 * the same domain function; live, it sends the command over the socket and shows the ack's error next
 * to itself. Errors never move focus; the caller announces them politely.
 */
export function LiveForm(props: LiveFormProps) {
  const t = useT();
  const errorId = useId();
  const [error, setError] = useState<LiveError>(null);
  const [busy, setBusy] = useState(false);
  const failed = props.actionData && props.actionData.intent === props.formKey ? props.actionData : null;
  const shown: LiveError =
    error ??
    (failed
      ? { messageKey: failed.formError?.key ?? "errors.invalid", fieldErrors: failed.fieldErrors }
      : null);

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const form = event.currentTarget;
    const data = new FormData(form);
    const args = { ...(props.hidden ?? {}), ...(props.toArgs?.(data) ?? {}) };
    const pending = props.send(props.command, args);
    if (!pending) return; // offline: the browser posts the form to the action
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    void pending.then((ack) => {
      setBusy(false);
      if (ack.ok) {
        setError(null);
        props.onDone?.(ack.data, form);
      } else {
        const e = { messageKey: ack.messageKey, fieldErrors: ack.fieldErrors };
        setError(e);
        props.onError?.(e);
      }
    });
  };

  const fields = Object.values(shown?.fieldErrors ?? {}).filter((k) => k !== shown?.messageKey);
  return (
    <Form method="post" className={props.className} onSubmit={onSubmit} aria-label={props["aria-label"]}>
      <CsrfInput />
      <input type="hidden" name="intent" value={props.command} />
      <input type="hidden" name="formKey" value={props.formKey} />
      {Object.entries(props.hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {props.children({ error: shown, errorId, busy })}
      {shown ? (
        <div className="live-form-error field-error" id={errorId}>
          <p>{t(shown.messageKey)}</p>
          {fields.length ? (
            <ul>
              {fields.map((key, i) => (
                <li key={i}>{t(key)}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </Form>
  );
}
