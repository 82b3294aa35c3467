import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CsrfInput, FormErrors } from "~/components/forms.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import {
  CONTROL_QUEUE,
  countMissingAnalyses,
  lastReconcile,
  RECONCILE_JOB,
  RETRAIN_JOB,
} from "~/domain/analysis/analysis.server.ts";
import { listModels } from "~/domain/analysis/models.server.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { getQueue, isQueueName, QUEUE_NAMES } from "~/jobs/queues.server.ts";
import { redactJobPayload, redactText, type RedactedText } from "~/jobs/redact.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getEnv } from "~/utils/env.server.ts";
import { getRedis } from "~/utils/redis.server.ts";
import { actionError, DomainError, Invalid } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "analysis.queues.title");

const STATES = ["waiting", "active", "delayed", "failed", "completed"] as const;
const FAILED_PER_QUEUE = 25;
const DONE = new Set(["retry", "retryAll", "retrain", "reconcile"]);

class RedisDown extends DomainError {
  constructor() {
    super(503, "analysis.queues.redisDown");
  }
}

/** Redis calls fail fast (the producer connection queues nothing), but never wait more than 3 s. */
async function fromRedis<T>(work: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new RedisDown()), 3_000);
      }),
    ]);
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new RedisDown();
  } finally {
    clearTimeout(timer);
  }
}

async function queueFigures() {
  const counts = await Promise.all(
    QUEUE_NAMES.map(async (name) => ({ name, counts: await getQueue(name).getJobCounts(...STATES) })),
  );
  const failed = (
    await Promise.all(
      QUEUE_NAMES.map(async (name) => {
        const jobs = await getQueue(name).getFailed(0, FAILED_PER_QUEUE - 1);
        // Payloads hold addresses, names, texts and links with tokens: only ids and the like are shown.
        return jobs.filter(Boolean).map((job) => ({
          queue: name,
          id: job.id ?? "",
          name: job.name,
          data: redactJobPayload(job.data),
          error: redactText(job.failedReason ?? "", 2_000),
          stack: redactText(job.stacktrace?.at(-1) ?? "", 4_000),
          attemptsMade: job.attemptsMade,
          attempts: job.opts.attempts ?? 1,
          createdAt: new Date(job.timestamp).toISOString(),
          failedAt: new Date(job.finishedOn ?? job.timestamp).toISOString(),
        }));
      }),
    )
  )
    .flat()
    .sort((a, b) => b.failedAt.localeCompare(a.failedAt));
  const reconciler = await lastReconcile(getRedis(), getEnv().REDIS_PREFIX);
  return { counts, failed, reconciler };
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCan(request, "admin.access");
  const db = getDb();
  const [missing, models, redis] = await Promise.all([
    countMissingAnalyses(db),
    listModels(db, 10),
    fromRedis(queueFigures).catch(() => null),
  ]);
  return {
    missing,
    models: models.map((m) => ({
      version: m.version,
      trainedAt: m.trainedAt.toISOString(),
      active: m.active,
      total: m.metrics.examples?.total ?? 0,
      corrections: m.metrics.examples?.corrections ?? 0,
    })),
    redis,
  };
}

export async function action({ request }: ActionFunctionArgs) {
  await requireCan(request, "admin.access");
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "retry") {
      const queue = String(form.get("queue") ?? "");
      const jobId = String(form.get("jobId") ?? "");
      if (!isQueueName(queue)) throw new Invalid({}, "analysis.queues.errors.unknownQueue");
      const retried = await fromRedis(async () => {
        const job = await getQueue(queue).getJob(jobId);
        if (!job || (await job.getState()) !== "failed") return false;
        await job.retry("failed");
        return true;
      });
      if (!retried) throw new Invalid({}, "analysis.queues.errors.notFailed");
    } else if (intent === "retryAll") {
      await fromRedis(() =>
        Promise.all(QUEUE_NAMES.map((name) => getQueue(name).retryJobs({ state: "failed", count: 1_000 }))),
      );
    } else if (intent === "retrain") {
      await fromRedis(() =>
        getQueue(CONTROL_QUEUE).add(RETRAIN_JOB, { reason: "admin" }, { jobId: `retrain.${Date.now()}` }),
      );
    } else if (intent === "reconcile") {
      await fromRedis(() =>
        getQueue(CONTROL_QUEUE).add(
          RECONCILE_JOB,
          {},
          { jobId: `reconcile.${Date.now()}`, attempts: 1, removeOnComplete: { count: 100 } },
        ),
      );
    } else {
      throw new Invalid({});
    }
    return redirect(`/admin/queues?done=${intent}`);
  } catch (error) {
    return actionError(error, undefined, intent);
  }
}

/** Text with its redacted parts shown as a marker. */
function Redacted({ text }: { text: RedactedText }) {
  const t = useT();
  return (
    <>
      {text.map((part, i) =>
        part === null ? (
          <span key={i} className="redacted">
            {t("analysis.queues.redacted")}
          </span>
        ) : (
          part
        ),
      )}
    </>
  );
}

export default function AdminQueues() {
  const t = useT();
  const locale = useLocale();
  const { missing, models, redis } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const done = params.get("done");
  return (
    <div className="stack manage">
      <h1>{t("analysis.queues.title")}</h1>
      <p>{t("analysis.queues.intro")}</p>
      {done && DONE.has(done) && !result ? (
        <p className="notice" role="status">
          {t(`analysis.queues.done.${done}`)}
        </p>
      ) : null}
      <FormErrors result={result} />
      {redis ? null : (
        <p className="error" role="alert">
          {t("analysis.queues.redisDown")}
        </p>
      )}

      <section aria-labelledby="queues-counts">
        <h2 id="queues-counts">{t("analysis.queues.countsTitle")}</h2>
        {redis ? (
          <div className="table-scroll">
            <table className="manage-table">
              <caption className="visually-hidden">{t("analysis.queues.countsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("analysis.queues.queue")}</th>
                  {STATES.map((s) => (
                    <th scope="col" key={s}>
                      {t(`analysis.queues.states.${s}`)}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {redis.counts.map((q) => (
                  <tr key={q.name} data-queue={q.name}>
                    <th scope="row">
                      <code>{q.name}</code>
                    </th>
                    {STATES.map((s) => (
                      <td key={s} data-state={s}>
                        {q.counts[s] ?? 0}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>

      <section aria-labelledby="queues-reconciler">
        <h2 id="queues-reconciler">{t("analysis.queues.reconcilerTitle")}</h2>
        <p>{t("analysis.queues.reconcilerHint")}</p>
        <p data-testid="reconciler-last">
          {redis?.reconciler
            ? t("analysis.queues.lastRun", {
                date: formatDateTime(locale, redis.reconciler.at),
                submissions: redis.reconciler.missingSubmissions,
                comments: redis.reconciler.missingComments,
                enqueued: redis.reconciler.enqueued,
                failed: redis.reconciler.failed,
              })
            : t("analysis.queues.neverRun")}
        </p>
        <p data-testid="missing-analyses">
          {t("analysis.queues.missing", { count: missing.submissions })}{" "}
          {t("analysis.queues.missingComments", { count: missing.comments })}
        </p>
        <Form method="post">
          <CsrfInput />
          <button type="submit" name="intent" value="reconcile" className="button">
            {t("analysis.queues.reconcileNow")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="queues-failed">
        <h2 id="queues-failed">{t("analysis.queues.failedTitle")}</h2>
        <p>{t("analysis.queues.redactedHint")}</p>
        {redis && redis.failed.length > 0 ? (
          <>
            <Form method="post">
              <CsrfInput />
              <button type="submit" name="intent" value="retryAll" className="button">
                {t("analysis.queues.retryAll")}
              </button>
            </Form>
            <ul className="plain stack">
              {redis.failed.map((job) => (
                <li key={`${job.queue}/${job.id}`} className="card" data-job-id={job.id}>
                  <h3 className="h3">{t("analysis.queues.job", { name: job.name, queue: job.queue })}</h3>
                  <dl>
                    <dt>{t("analysis.queues.jobId")}</dt>
                    <dd>
                      <code>{job.id}</code>
                    </dd>
                    <dt>{t("analysis.queues.data")}</dt>
                    <dd data-testid="job-data">
                      {job.data.fields.length === 0 ? (
                        t("analysis.queues.noData")
                      ) : (
                        <ul className="plain">
                          {job.data.fields.map((f) => (
                            <li key={f.path}>
                              <code>{f.path}</code>{" "}
                              {"redacted" in f ? (
                                <span className="redacted">{t("analysis.queues.redacted")}</span>
                              ) : (
                                <code>{String(f.value)}</code>
                              )}
                            </li>
                          ))}
                        </ul>
                      )}
                      {job.data.more > 0 ? t("analysis.queues.moreFields", { count: job.data.more }) : null}
                    </dd>
                    <dt>{t("analysis.queues.error")}</dt>
                    <dd className="job-error">
                      <Redacted text={job.error} />
                    </dd>
                    <dt>{t("analysis.queues.attempts")}</dt>
                    <dd>
                      {t("analysis.queues.attemptsValue", { made: job.attemptsMade, max: job.attempts })}
                    </dd>
                    <dt>{t("analysis.queues.createdAt")}</dt>
                    <dd>
                      <time dateTime={job.createdAt}>{formatDateTime(locale, job.createdAt)}</time>
                    </dd>
                    <dt>{t("analysis.queues.failedAt")}</dt>
                    <dd>
                      <time dateTime={job.failedAt}>{formatDateTime(locale, job.failedAt)}</time>
                    </dd>
                  </dl>
                  {job.stack.length > 0 ? (
                    <details>
                      <summary>{t("analysis.queues.stack")}</summary>
                      <pre className="job-stack">
                        <Redacted text={job.stack} />
                      </pre>
                    </details>
                  ) : null}
                  <Form method="post">
                    <CsrfInput />
                    <input type="hidden" name="queue" value={job.queue} />
                    <input type="hidden" name="jobId" value={job.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="retry"
                      className="button"
                      aria-label={t("analysis.queues.retryLabel", { id: job.id })}
                    >
                      {t("analysis.queues.retry")}
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          </>
        ) : redis ? (
          <p>{t("analysis.queues.noFailed")}</p>
        ) : null}
      </section>

      <section aria-labelledby="queues-models">
        <h2 id="queues-models">{t("analysis.queues.modelsTitle")}</h2>
        {models.length > 0 ? (
          <div className="table-scroll">
            <table className="manage-table">
              <caption className="visually-hidden">{t("analysis.queues.modelsCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("analysis.queues.version")}</th>
                  <th scope="col">{t("analysis.queues.trainedAt")}</th>
                  <th scope="col">{t("analysis.queues.examples")}</th>
                  <th scope="col">{t("analysis.queues.state")}</th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr key={m.version}>
                    <th scope="row">
                      <code>{m.version}</code>
                    </th>
                    <td>
                      <time dateTime={m.trainedAt}>{formatDateTime(locale, m.trainedAt)}</time>
                    </td>
                    <td>
                      {t("analysis.queues.examplesValue", { total: m.total, corrections: m.corrections })}
                    </td>
                    <td>{m.active ? t("analysis.queues.active") : t("analysis.queues.inactive")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{t("analysis.queues.noModels")}</p>
        )}
        <Form method="post">
          <CsrfInput />
          <button type="submit" name="intent" value="retrain" className="button">
            {t("analysis.queues.retrain")}
          </button>
        </Form>
      </section>
    </div>
  );
}
