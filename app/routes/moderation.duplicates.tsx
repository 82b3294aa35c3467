/**
 * /moderation/duplicates: groups of near-duplicate submissions as merge suggestions for moderators. Each
 * member links to the merge page with the suggested target filled in; "not duplicates" dismisses the group
 * for good.
 */
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfInput } from "~/components/forms.tsx";
import { forbidden, requireUser } from "~/domain/accounts/auth.server.ts";
import {
  canReviewDuplicates,
  dismissDuplicateGroup,
  listDuplicateGroups,
} from "~/domain/analysis/duplicates.server.ts";
import type { Locale } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "analysis.duplicates.title");

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  if (!canReviewDuplicates(user)) throw forbidden("analysis.duplicates.errors.forbidden");
  return { groups: await listDuplicateGroups(getDb()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const groupId = String(form.get("groupId") ?? "");
  if (!canReviewDuplicates(user)) {
    return data(
      {
        ok: false as const,
        formError: { key: "analysis.duplicates.errors.forbidden", params: {} as Record<string, string> },
      },
      { status: 403 },
    );
  }
  if (form.get("intent") !== "dismiss" || !UUID.test(groupId)) {
    return data(
      { ok: false as const, formError: { key: "errors.invalid", params: {} as Record<string, string> } },
      { status: 400 },
    );
  }
  try {
    await dismissDuplicateGroup(getDb(), user, groupId);
    return { ok: true as const, messageKey: "analysis.duplicates.dismissed" };
  } catch (error) {
    return actionError(error);
  }
}

function percent(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale === "el" ? "el-GR" : "en-GB", { style: "percent" }).format(value);
}

export default function Duplicates() {
  const t = useT();
  const locale = useLocale();
  const { groups } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <div className="stack">
      <h1>{t("analysis.duplicates.title")}</h1>
      <p>{t("analysis.duplicates.intro")}</p>
      {result ? (
        result.ok ? (
          <p className="notice" role="status">
            {t(result.messageKey)}
          </p>
        ) : (
          <p className="field-error" role="alert">
            {t(result.formError?.key ?? "errors.invalid", result.formError?.params)}
          </p>
        )
      ) : null}
      {groups.length === 0 ? (
        <p>{t("analysis.duplicates.empty")}</p>
      ) : (
        <ul className="plain stack">
          {groups.map((g) => {
            const headingId = `group-${g.id}`;
            return (
              <li key={g.id}>
                <section className="card stack duplicate-group" aria-labelledby={headingId}>
                  <h2 id={headingId} className="h3">
                    {t("analysis.duplicates.group", { count: g.members.length })}{" "}
                    <span className="muted">
                      {t("analysis.duplicates.groupIn", { consultation: g.consultation.title })}
                    </span>
                  </h2>
                  <ul className="plain stack">
                    {g.members.map((m) => (
                      <li key={m.id} className="duplicate-member">
                        <p>
                          <Link to={`/submissions/${m.id}`}>{m.title}</Link>
                          {m.id === g.primaryId ? (
                            <>
                              {" "}
                              <span className="badge">{t("analysis.duplicates.primary")}</span>
                            </>
                          ) : null}
                        </p>
                        <p className="meta">
                          <span>
                            {t("analysis.duplicates.similarity", { value: percent(locale, m.similarity) })}
                          </span>
                          <span>{t("analysis.duplicates.supports", { count: m.supportCount })}</span>
                          {m.authorName ? (
                            <span>{t("analysis.duplicates.by", { name: m.authorName })}</span>
                          ) : null}
                        </p>
                        <p className="muted">{m.excerpt}</p>
                        {m.id !== g.primaryId ? (
                          <p>
                            <Link
                              to={`/moderation/submissions/${m.id}?target=${g.primaryId}`}
                              aria-label={t("analysis.duplicates.mergeLabel", { title: m.title })}
                            >
                              {t("analysis.duplicates.merge")}
                            </Link>
                          </p>
                        ) : null}
                      </li>
                    ))}
                  </ul>
                  <Form method="post" preventScrollReset>
                    <CsrfInput />
                    <input type="hidden" name="groupId" value={g.id} />
                    <button
                      type="submit"
                      name="intent"
                      value="dismiss"
                      className="button"
                      aria-label={t("analysis.duplicates.dismissLabel", { count: g.members.length })}
                    >
                      {t("analysis.duplicates.dismiss")}
                    </button>
                  </Form>
                </section>
              </li>
            );
          })}
        </ul>
      )}
    </div>
  );
}
