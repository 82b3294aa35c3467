/**
 * /alerts: open urgent alerts for moderators, the Directorate and admins. Acknowledging an alert confirms the
 * submission's urgent label (kept with who and when); "not urgent" corrects it. Both close the alert for
 * everyone. New alerts arrive live (room `alerts`) and are announced politely.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import type { ReactNode } from "react";
import { CsrfInput } from "~/components/forms.tsx";
import { LiveAnnouncer, useAnnouncer } from "~/components/live.tsx";
import { forbidden, requireUser } from "~/domain/accounts/auth.server.ts";
import { canReviewLabels, correctLabel } from "~/domain/analysis/labels.server.ts";
import { listOpenAlerts } from "~/domain/analysis/urgency.server.ts";
import { formatDateTime, type Locale } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { useRoom, useSocketEvent } from "~/realtime/client.ts";
import { rooms } from "~/realtime/rooms.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "analysis.alerts.title");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canReviewLabels(user)) throw forbidden("analysis.alerts.errors.forbidden");
  return { alerts: await listOpenAlerts(getDb()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  const submissionId = String(form.get("submissionId") ?? "");
  const title = String(form.get("title") ?? "").slice(0, 300);
  if (!canReviewLabels(user)) {
    return data(
      {
        ok: false as const,
        formError: { key: "analysis.alerts.errors.forbidden", params: {} as Record<string, string> },
      },
      { status: 403 },
    );
  }
  if ((intent !== "acknowledge" && intent !== "not-urgent") || !UUID.test(submissionId)) {
    return data(
      { ok: false as const, formError: { key: "errors.invalid", params: {} as Record<string, string> } },
      { status: 400 },
    );
  }
  try {
    await correctLabel(getDb(), user, submissionId, "urgent", intent === "acknowledge");
    return {
      ok: true as const,
      messageKey:
        intent === "acknowledge" ? "analysis.alerts.acknowledged" : "analysis.alerts.markedNotUrgent",
      title,
    };
  } catch (error) {
    return actionError(error);
  }
}

function percent(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale === "el" ? "el-GR" : "en-GB", { style: "percent" }).format(value);
}

export default function Alerts() {
  const t = useT();
  const locale = useLocale();
  const { alerts } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const revalidator = useRevalidator();
  const [message, announce] = useAnnouncer();
  useRoom(rooms.alerts(), { onReconnect: () => revalidator.revalidate() });
  useSocketEvent("alert:urgent", (a) => {
    revalidator.revalidate();
    announce(t("analysis.alerts.live", { title: a.title }));
  });
  return (
    <div className="stack">
      <h1>{t("analysis.alerts.title")}</h1>
      <p>{t("analysis.alerts.intro")}</p>
      <LiveAnnouncer message={message} />
      {result ? (
        result.ok ? (
          <p className="notice" role="status">
            {t(result.messageKey, { title: result.title })}
          </p>
        ) : (
          <p className="field-error" role="alert">
            {t(result.formError?.key ?? "errors.invalid", result.formError?.params)}
          </p>
        )
      ) : null}
      <p className="meta">{t("analysis.alerts.count", { count: alerts.length })}</p>
      {alerts.length === 0 ? (
        <p>{t("analysis.alerts.empty")}</p>
      ) : (
        <ul className="plain stack">
          {alerts.map((a) => (
            <li key={a.submissionId} className="card stack urgent-alert">
              <h2 className="h3">
                <Link to={`/submissions/${a.submissionId}`}>{a.title}</Link>
              </h2>
              <p className="meta">
                <span>{t("analysis.alerts.consultation", { title: a.consultationTitle })}</span>
                {a.confidence !== null ? (
                  <span>{t("analysis.alerts.confidence", { value: percent(locale, a.confidence) })}</span>
                ) : null}
                <span>{t("analysis.alerts.analysedAt", { date: formatDateTime(locale, a.analysedAt) })}</span>
              </p>
              <div className="inline-form">
                <AlertDecision
                  alert={a}
                  intent="acknowledge"
                  className="button primary"
                  label={t("analysis.alerts.acknowledgeLabel", { title: a.title })}
                >
                  {t("analysis.alerts.acknowledge")}
                </AlertDecision>
                <AlertDecision
                  alert={a}
                  intent="not-urgent"
                  className="button"
                  label={t("analysis.alerts.notUrgentLabel", { title: a.title })}
                >
                  {t("analysis.alerts.notUrgent")}
                </AlertDecision>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** One decision on an alert, in a form of its own; the label names the submission for screen readers. */
function AlertDecision({
  alert,
  intent,
  className,
  label,
  children,
}: {
  alert: { submissionId: string; title: string };
  intent: "acknowledge" | "not-urgent";
  className: string;
  label: string;
  children: ReactNode;
}) {
  return (
    <Form method="post" preventScrollReset>
      <CsrfInput />
      <input type="hidden" name="submissionId" value={alert.submissionId} />
      <input type="hidden" name="title" value={alert.title} />
      <button type="submit" name="intent" value={intent} className={className} aria-label={label}>
        {children}
      </button>
    </Form>
  );
}
