/**
 * /manage/consultations/:id/priority: the Directorate sets the priority weights of one consultation (each
 * component, each target group) and sees the top of the ranking move before saving. The preview is this
 * loader with candidate weights in the query string (`w.<component>`, `g.<group>`), computed from the stored
 * components without writing anything; saving stores the weights and schedules the consultation's
 * recompute in the same transaction.
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useFetcher, useLoaderData } from "@remix-run/react";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { CsrfInput } from "~/components/forms.tsx";
import { LiveAnnouncer, useAnnouncer } from "~/components/live.tsx";
import { points } from "~/components/priority-explanation.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import {
  COMPONENT_KEYS,
  PREVIEW_SIZE,
  RECENCY_HALF_LIFE_DAYS,
  WEIGHT_LIMITS,
} from "~/domain/priority/priority.ts";
import { componentField, groupField } from "~/domain/priority/priority.schema.ts";
import {
  listTargetGroupWeights,
  mergeWeights,
  previewRanking,
  readWeightsForm,
  resetConsultationWeights,
  saveConsultationWeights,
} from "~/domain/priority/priority.server.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "priority.weights.title");

const NOTICES = new Set(["saved", "reset"]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireCan(request, "directorate.access");
  const db = getDb();
  const id = params.id ?? "";
  const consultation = await db.consultation.findUnique({
    where: { id },
    select: { id: true, title: true, slug: true, priorityWeights: true },
  });
  if (!consultation) throw new Response("consultations.errors.notFound", { status: 404 });
  const groups = await listTargetGroupWeights(db);
  const saved = mergeWeights(consultation.priorityWeights, groups);
  const url = new URL(request.url);
  // Candidate weights in the query string: the live preview. Bad ones fall back to the saved weights.
  const candidate = COMPONENT_KEYS.some((k) => url.searchParams.has(componentField(k)))
    ? readWeightsForm(
        url.searchParams,
        groups.map((g) => g.key),
      )
    : null;
  const preview = await previewRanking(db, id, candidate?.weights ?? saved);
  const notice = url.searchParams.get("notice");
  return {
    consultation: { id: consultation.id, title: consultation.title, slug: consultation.slug },
    groups: groups.map((g) => ({ key: g.key, nameEl: g.nameEl, nameEn: g.nameEn })),
    weights: saved,
    preview,
    previewErrors: candidate?.errors ?? {},
    notice: notice && NOTICES.has(notice) ? notice : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const form = await readForm(request);
  const user = await requireCan(request, "directorate.access");
  const db = getDb();
  const id = params.id ?? "";
  const groups = await listTargetGroupWeights(db);
  const { values } = readWeightsForm(
    form,
    groups.map((g) => g.key),
  );
  try {
    if (form.get("intent") === "reset") {
      await resetConsultationWeights(db, user, id);
      return redirect(`/manage/consultations/${id}/priority?notice=reset`);
    }
    await saveConsultationWeights(db, user, id, form);
    return redirect(`/manage/consultations/${id}/priority?notice=saved`);
  } catch (error) {
    return actionError(error, values, "save");
  }
}

type LoaderData = ReturnType<typeof useLoaderData<typeof loader>>;

/** One weight: a labelled number input with its hint and error tied to it. */
function WeightInput({
  field,
  label,
  defaultValue,
  help,
  error,
}: {
  field: string;
  label: string;
  defaultValue: string;
  help?: string;
  error?: string;
}) {
  const t = useT();
  const id = field.replace(".", "-");
  const describedBy = [`${id}-hint`, error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {help ? `${help} ${t("priority.weights.range")}` : t("priority.weights.range")}
      </p>
      {error ? (
        <p className="field-error" id={`${id}-error`}>
          {t(error)}
        </p>
      ) : null}
      <input
        id={id}
        name={field}
        type="number"
        inputMode="decimal"
        min={WEIGHT_LIMITS.min}
        max={WEIGHT_LIMITS.max}
        step={WEIGHT_LIMITS.step}
        defaultValue={defaultValue}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy}
      />
    </div>
  );
}

export default function PriorityWeightsPage() {
  const t = useT();
  const locale = useLocale();
  const d = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failed = result && !result.ok ? result : undefined;
  const fetcher = useFetcher<typeof loader>();
  const [message, announce] = useAnnouncer();
  const formRef = useRef<HTMLFormElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const [preview, setPreview] = useState<LoaderData["preview"]>(d.preview);

  useEffect(() => setPreview(d.preview), [d.preview]);
  useEffect(() => {
    if (fetcher.state === "idle" && fetcher.data) {
      setPreview(fetcher.data.preview);
      announce(t("priority.weights.previewUpdated"));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [fetcher.state, fetcher.data]);
  useEffect(() => {
    if (failed) summaryRef.current?.focus();
  }, [failed]);
  useEffect(() => () => clearTimeout(timer.current), []);

  /** Any change: the preview is asked for again after a short pause in typing. */
  function onChange(event: FormEvent<HTMLFormElement>) {
    const form = event.currentTarget;
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if ((name.startsWith("w.") || name.startsWith("g.")) && typeof value === "string")
          params.set(name, value);
      }
      fetcher.load(`/manage/consultations/${d.consultation.id}/priority?${params}`);
    }, 300);
  }

  const value = (field: string, saved: number) => failed?.values?.[field] ?? String(saved);
  const errorOf = (field: string) => failed?.fieldErrors?.[field];
  const groupName = (g: LoaderData["groups"][number]) => (locale === "en" ? g.nameEn : g.nameEl);
  const labelOf = (field: string) => {
    const c = COMPONENT_KEYS.find((k) => componentField(k) === field);
    if (c) return t(`priority.components.${c}`);
    const g = d.groups.find((x) => groupField(x.key) === field);
    return g ? groupName(g) : field;
  };
  const fieldErrors = Object.entries(failed?.fieldErrors ?? {});

  return (
    <div className="stack manage">
      <p>
        <Link to={`/manage/consultations/${d.consultation.id}`}>{t("priority.weights.back")}</Link>
      </p>
      <h1>{t("priority.weights.heading", { title: d.consultation.title })}</h1>
      <p>{t("priority.weights.intro")}</p>
      {d.notice ? (
        <p role="status" className="notice">
          {t(d.notice === "saved" ? "priority.weights.saved" : "priority.weights.wasReset")}
        </p>
      ) : null}
      {failed ? (
        <div className="error-summary" role="alert" tabIndex={-1} ref={summaryRef}>
          <p>{t(failed.formError?.key ?? "errors.invalid", failed.formError?.params)}</p>
          {fieldErrors.length > 0 ? (
            <ul>
              {fieldErrors.map(([field, key]) => (
                <li key={field}>
                  <a href={`#${field.replace(".", "-")}`}>
                    {labelOf(field)}: {t(key)}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <Form
        // Saved or reset weights: fresh inputs with the new values.
        key={JSON.stringify(d.weights)}
        method="post"
        noValidate
        ref={formRef}
        onChange={onChange}
        className="stack"
      >
        <CsrfInput />
        <fieldset className="stack">
          <legend>{t("priority.weights.components")}</legend>
          {COMPONENT_KEYS.map((k) => (
            <WeightInput
              key={k}
              field={componentField(k)}
              label={t(`priority.components.${k}`)}
              defaultValue={value(componentField(k), d.weights.components[k])}
              error={errorOf(componentField(k))}
              help={t(`priority.help.${k}`, { days: RECENCY_HALF_LIFE_DAYS })}
            />
          ))}
        </fieldset>
        <fieldset className="stack">
          <legend>{t("priority.weights.groups")}</legend>
          <p className="hint">{t("priority.weights.groupsHint")}</p>
          {d.groups.map((g) => (
            <WeightInput
              key={g.key}
              field={groupField(g.key)}
              label={groupName(g)}
              defaultValue={value(groupField(g.key), d.weights.targetGroups[g.key] ?? 1)}
              error={errorOf(groupField(g.key))}
            />
          ))}
        </fieldset>
        <p className="manage-links">
          <button type="submit" name="intent" value="save" className="button primary">
            {t("priority.weights.save")}
          </button>
          <button type="submit" name="intent" value="reset" className="button">
            {t("priority.weights.reset")}
          </button>
        </p>
      </Form>

      <section aria-labelledby="preview-title" className="stack">
        <h2 id="preview-title">{t("priority.weights.preview", { count: PREVIEW_SIZE })}</h2>
        <p className="hint">{t("priority.weights.previewHint")}</p>
        <LiveAnnouncer message={message} />
        {preview.items.length === 0 ? (
          <p>{t("priority.weights.previewEmpty")}</p>
        ) : (
          <div className="table-scroll">
            <table className="manage-table" aria-busy={fetcher.state !== "idle"}>
              <thead>
                <tr>
                  <th scope="col">{t("priority.weights.rank")}</th>
                  <th scope="col">{t("priority.weights.now")}</th>
                  <th scope="col">{t("priority.weights.score")}</th>
                  <th scope="col">{t("priority.weights.submission")}</th>
                </tr>
              </thead>
              <tbody>
                {preview.items.map((r) => {
                  const move = r.currentRank === null ? null : r.currentRank - r.rank;
                  return (
                    <tr key={r.id} data-testid="preview-row">
                      <td>{r.rank}</td>
                      <td>
                        {r.currentRank ?? "–"}{" "}
                        <span className="muted">
                          {move === null
                            ? t("priority.weights.new")
                            : move > 0
                              ? t("priority.weights.up", { count: move })
                              : move < 0
                                ? t("priority.weights.down", { count: -move })
                                : t("priority.weights.same")}
                        </span>
                      </td>
                      <td>{points(locale, r.score)}</td>
                      <td>
                        <Link to={`/submissions/${r.id}`}>{r.title}</Link>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
