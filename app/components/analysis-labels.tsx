/**
 * The analysis of a submission on its page. Everyone sees its themes, target groups, kind and municipality;
 * moderators, the Directorate and admins see every label with its confidence and source and confirm it
 * (one button) or correct it (a small form; booleans flip with one button). Forms work without JavaScript;
 * with it they post in place and the labels refresh when `analysis:updated` arrives, announced politely.
 */
import { useActionData, useFetcher, useRevalidator } from "@remix-run/react";
import { useEffect, useId, useRef } from "react";
import type { EffectiveLabel, LabelField, LabelsForPage } from "~/domain/analysis/labels.server.ts";
import { formatDateTime, type Locale } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { useRoom, useSocketEvent } from "~/realtime/client.ts";
import { rooms } from "~/realtime/rooms.ts";
import { CsrfInput } from "./forms.tsx";
import { LiveAnnouncer, useAnnouncer } from "./live.tsx";

/** LabelsForPage as it arrives through the loader (dates as strings already). */
type Data = LabelsForPage;
type Named = { key: string; nameEl: string; nameEn: string };

type LabelResult =
  | { ok: true; intent: string; field: string; messageKey: string }
  | {
      ok: false;
      intent?: string;
      formError?: { key: string; params?: Record<string, string | number> };
      fieldErrors?: Record<string, string>;
      values?: Record<string, string>;
    };

const FIELDS: LabelField[] = ["themes", "target_groups", "kind", "municipality", "urgent", "off_topic"];

const percentFormatters = new Map<Locale, Intl.NumberFormat>();
function percent(locale: Locale, value: number): string {
  let f = percentFormatters.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale === "el" ? "el-GR" : "en-GB", { style: "percent" });
    percentFormatters.set(locale, f);
  }
  return f.format(value);
}

function nameOf(list: Named[], key: string, locale: Locale): string {
  const item = list.find((n) => n.key === key);
  return item ? (locale === "en" ? item.nameEn : item.nameEl) : key;
}

export function AnalysisLabels({
  analysis,
  submissionId,
  consultationId,
}: {
  analysis: Data;
  submissionId: string;
  consultationId: string;
}) {
  const t = useT();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const [message, announce] = useAnnouncer();
  useRoom(rooms.consultation(consultationId));
  useSocketEvent("analysis:updated", (e) => {
    if (e.submissionId !== submissionId) return;
    revalidator.revalidate();
    announce(t("analysis.labels.updated"));
  });
  const p = analysis.public;
  const headingId = `analysis-title-${submissionId}`;
  // A refused post without JavaScript (e.g. a stale page after losing a role) shows why.
  const actionData = useActionData<LabelResult>();
  const refused =
    actionData && !actionData.ok && actionData.intent?.startsWith("label-")
      ? actionData.formError
      : undefined;

  if (!analysis.staff || !analysis.labels) {
    const empty = p.themes.length === 0 && p.targetGroups.length === 0 && !p.kind && !p.municipality;
    return (
      <section className="card analysis-labels" aria-labelledby={headingId}>
        <LiveAnnouncer message={message} />
        <h2 id={headingId} className="h3">
          {t("analysis.labels.publicTitle")}
        </h2>
        {refused ? (
          <p className="field-error" role="alert">
            {t(refused.key, refused.params)}
          </p>
        ) : null}
        {empty ? (
          <p className="muted">{t("analysis.labels.pending")}</p>
        ) : (
          <dl className="facts">
            {p.themes.length > 0 ? (
              <>
                <dt>{t("analysis.labels.fields.themes")}</dt>
                <dd>{p.themes.map((k) => nameOf(analysis.themes, k, locale)).join(", ")}</dd>
              </>
            ) : null}
            {p.targetGroups.length > 0 ? (
              <>
                <dt>{t("analysis.labels.fields.target_groups")}</dt>
                <dd>{p.targetGroups.map((k) => nameOf(analysis.groups, k, locale)).join(", ")}</dd>
              </>
            ) : null}
            {p.kind ? (
              <>
                <dt>{t("analysis.labels.fields.kind")}</dt>
                <dd>{t(`submissions.kinds.${p.kind}`)}</dd>
              </>
            ) : null}
            {p.municipality ? (
              <>
                <dt>{t("analysis.labels.fields.municipality")}</dt>
                <dd>{locale === "en" ? p.municipality.nameEn : p.municipality.nameEl}</dd>
              </>
            ) : null}
          </dl>
        )}
        <p className="hint">{t("analysis.labels.publicHint")}</p>
      </section>
    );
  }

  const labels = analysis.labels;
  return (
    <section className="card analysis-labels stack" aria-labelledby={headingId}>
      <LiveAnnouncer message={message} />
      <h2 id={headingId} className="h3">
        {t("analysis.labels.title")}
      </h2>
      <p className="hint">{t("analysis.labels.staffHint")}</p>
      {labels.analysedVersion === null ? (
        <p className="notice">{t("analysis.labels.pending")}</p>
      ) : labels.stale ? (
        <p className="notice">{t("analysis.labels.stale")}</p>
      ) : null}
      <ul className="plain stack analysis-label-list">
        {FIELDS.map((field) => (
          <LabelRow
            key={field}
            field={field}
            label={labels.fields[field] as EffectiveLabel | null}
            analysis={analysis}
          />
        ))}
      </ul>
    </section>
  );
}

function ValueText({ label, analysis }: { label: EffectiveLabel | null; analysis: Data }) {
  const t = useT();
  const locale = useLocale();
  if (!label) return <span className="muted">{t("analysis.labels.none")}</span>;
  switch (label.field) {
    case "themes":
    case "target_groups": {
      const list = label.field === "themes" ? analysis.themes : analysis.groups;
      const items = label.items ?? [];
      if (items.length === 0) return <span className="muted">{t("analysis.labels.none")}</span>;
      return (
        <ul className="plain tags">
          {items.map((item) => (
            <li key={item.key} className="group">
              {nameOf(list, item.key, locale)}
              {item.confidence !== null ? (
                <span className="meta">
                  {" "}
                  {t("analysis.labels.confidence", { value: percent(locale, item.confidence) })}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      );
    }
    case "kind":
      return <span>{t(`submissions.kinds.${label.value as string}`)}</span>;
    case "municipality": {
      const m = label.value as { nameEl: string; nameEn: string } | null;
      return <span>{m ? (locale === "en" ? m.nameEn : m.nameEl) : t("analysis.labels.noMunicipality")}</span>;
    }
    case "urgent":
      return (
        <span className={label.value ? "badge urgent" : undefined}>
          {t(label.value ? "analysis.labels.urgent" : "analysis.labels.notUrgent")}
        </span>
      );
    case "off_topic":
      return (
        <span className={label.value ? "badge off-topic" : undefined}>
          {t(label.value ? "analysis.labels.offTopic" : "analysis.labels.onTopic")}
        </span>
      );
  }
}

function SourceText({ label }: { label: EffectiveLabel | null }) {
  const t = useT();
  const locale = useLocale();
  if (!label) return null;
  const s = label.source;
  const text =
    s.type === "model"
      ? t("analysis.labels.sourceModel", { version: s.modelVersion })
      : t(s.confirmed ? "analysis.labels.sourceConfirmed" : "analysis.labels.sourcePerson", {
          name: s.name ?? t("analysis.labels.someone"),
          date: formatDateTime(locale, s.at),
        });
  const showConfidence =
    label.confidence !== null && label.field !== "themes" && label.field !== "target_groups";
  return (
    <p className="meta">
      {showConfidence ? (
        <span>{t("analysis.labels.confidence", { value: percent(locale, label.confidence ?? 0) })}</span>
      ) : null}
      <span>{text}</span>
    </p>
  );
}

function LabelRow({
  field,
  label,
  analysis,
}: {
  field: LabelField;
  label: EffectiveLabel | null;
  analysis: Data;
}) {
  const t = useT();
  const locale = useLocale();
  const fetcher = useFetcher<LabelResult>();
  const actionData = useActionData<LabelResult>();
  const [message, announce] = useAnnouncer();
  const uid = useId();
  const fieldName = t(`analysis.labels.fields.${field}`);
  // Without JavaScript the result comes back as the page's action data; with it, through the fetcher.
  const result =
    fetcher.data ??
    (actionData && (actionData.ok ? actionData.field : actionData.values?.field) === field
      ? actionData
      : undefined);
  const failed = result && !result.ok ? result : undefined;
  const errorId = `${uid}-error`;
  const lastAnnounced = useRef<unknown>(null);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data?.ok && lastAnnounced.current !== fetcher.data) {
      lastAnnounced.current = fetcher.data;
      announce(t(fetcher.data.messageKey, { field: fieldName }));
    }
  }, [fetcher.state, fetcher.data, announce, t, fieldName]);
  const isBoolean = field === "urgent" || field === "off_topic";
  const current = label?.value;
  const selectedKeys = new Set(
    field === "themes" || field === "target_groups" ? ((current as string[] | undefined) ?? []) : [],
  );

  return (
    <li className="analysis-label">
      <LiveAnnouncer message={message} />
      <h3 id={`${uid}-name`} className="h3 analysis-label-name">
        {fieldName}
      </h3>
      <ValueText label={label} analysis={analysis} />
      <SourceText label={label} />
      <div className="inline-form analysis-label-actions">
        {label ? (
          <fetcher.Form method="post" preventScrollReset>
            <CsrfInput />
            <input type="hidden" name="intent" value="label-confirm" />
            <input type="hidden" name="field" value={field} />
            <button
              type="submit"
              className="button"
              aria-label={t("analysis.labels.confirmField", { field: fieldName })}
              aria-describedby={failed ? errorId : undefined}
            >
              {t("analysis.labels.confirm")}
            </button>
          </fetcher.Form>
        ) : null}
        {isBoolean ? (
          <fetcher.Form method="post" preventScrollReset>
            <CsrfInput />
            <input type="hidden" name="intent" value="label-correct" />
            <input type="hidden" name="field" value={field} />
            <input type="hidden" name="value" value={current ? "false" : "true"} />
            <button type="submit" className="button">
              {t(
                field === "urgent"
                  ? current
                    ? "analysis.labels.setNotUrgent"
                    : "analysis.labels.setUrgent"
                  : current
                    ? "analysis.labels.setOnTopic"
                    : "analysis.labels.setOffTopic",
              )}
            </button>
          </fetcher.Form>
        ) : (
          <details className="analysis-correct">
            <summary>{t("analysis.labels.correctField", { field: fieldName })}</summary>
            <fetcher.Form method="post" preventScrollReset className="stack">
              <CsrfInput />
              <input type="hidden" name="intent" value="label-correct" />
              <input type="hidden" name="field" value={field} />
              {field === "themes" || field === "target_groups" ? (
                <fieldset aria-describedby={failed ? errorId : undefined}>
                  <legend>{fieldName}</legend>
                  {(field === "themes" ? analysis.themes : analysis.groups).map((o) => (
                    <div className="field checkbox" key={o.key}>
                      <input
                        type="checkbox"
                        id={`${uid}-${o.key}`}
                        name="value"
                        value={o.key}
                        defaultChecked={selectedKeys.has(o.key)}
                      />
                      <label htmlFor={`${uid}-${o.key}`}>{locale === "en" ? o.nameEn : o.nameEl}</label>
                    </div>
                  ))}
                </fieldset>
              ) : (
                <div className="field">
                  <label htmlFor={`${uid}-select`}>{fieldName}</label>
                  <select
                    id={`${uid}-select`}
                    name="value"
                    aria-invalid={failed ? true : undefined}
                    aria-describedby={failed ? errorId : undefined}
                    defaultValue={
                      failed?.values?.value ??
                      (field === "kind"
                        ? ((current as string | undefined) ?? "")
                        : ((current as { id: string } | null | undefined)?.id ?? ""))
                    }
                  >
                    {field === "kind" ? (
                      (["proposal", "need", "opinion"] as const).map((k) => (
                        <option key={k} value={k}>
                          {t(`submissions.kinds.${k}`)}
                        </option>
                      ))
                    ) : (
                      <>
                        <option value="">{t("analysis.labels.noMunicipality")}</option>
                        {analysis.municipalities.map((m) => (
                          <option key={m.id} value={m.id}>
                            {locale === "en" ? m.nameEn : m.nameEl}
                          </option>
                        ))}
                      </>
                    )}
                  </select>
                </div>
              )}
              <button type="submit" className="button primary">
                {t("analysis.labels.save")}
              </button>
            </fetcher.Form>
          </details>
        )}
      </div>
      {failed?.formError ? (
        <p className="field-error" id={errorId} role="alert">
          {t(failed.formError.key, failed.formError.params)}
        </p>
      ) : null}
      {result?.ok && !fetcher.data ? (
        // Without JavaScript the page reloads: say what happened where it happened.
        <p className="notice" role="status">
          {t(result.messageKey, { field: fieldName })}
        </p>
      ) : null}
    </li>
  );
}
