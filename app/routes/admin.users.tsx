import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CsrfInput, FormErrors } from "~/components/forms.tsx";
import { listUsers, setCommitteeMembership, setRoles } from "~/domain/accounts/admin.server.ts";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "admin.users.title");

const ROLES = ["citizen", "moderator", "directorate", "admin"] as const;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireCan(request, "admin.access");
  const url = new URL(request.url);
  const page = Math.max(1, Math.min(10_000, Number.parseInt(url.searchParams.get("page") ?? "1", 10) || 1));
  return listUsers(getDb(), url.searchParams.get("q") ?? "", page);
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireCan(request, "admin.assignRoles");
  const form = await readForm(request);
  const intent = String(form.get("intent"));
  try {
    if (intent === "roles") {
      await setRoles(getDb(), admin.id, { userId: form.get("userId"), roles: form.getAll("roles") });
    } else if (intent === "committee") {
      await setCommitteeMembership(getDb(), admin.id, {
        userId: form.get("userId"),
        committeeId: form.get("committeeId"),
        role: form.get("role"),
      });
    } else {
      throw new Response("errors.invalid", { status: 400 });
    }
    const back = new URL(request.url);
    back.searchParams.set("notice", "rolesSaved");
    return redirect(back.pathname + back.search);
  } catch (error) {
    return actionError(error, undefined, intent);
  }
}

export default function AdminUsers() {
  const t = useT();
  const { users, committees, total, page, pages } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const q = params.get("q") ?? "";
  return (
    <div className="stack">
      <h1>{t("admin.users.title")}</h1>
      <Form method="get" role="search" className="inline-form">
        <label htmlFor="q">{t("admin.users.search")}</label>
        <input id="q" name="q" type="search" defaultValue={q} />
        <button type="submit" className="button">
          {t("common.search")}
        </button>
      </Form>
      <p role="status">{t("admin.users.count", { count: total })}</p>
      <FormErrors result={result} />
      <ul className="plain user-list">
        {users.map((u) => (
          <li key={u.id} className="card">
            <h2 className="h3">
              {u.displayName} <span className="muted">&lt;{u.email}&gt;</span>
            </h2>
            <Form method="post" aria-label={t("admin.users.rolesOf", { name: u.displayName })}>
              <CsrfInput />
              <input type="hidden" name="intent" value="roles" />
              <input type="hidden" name="userId" value={u.id} />
              <fieldset>
                <legend>{t("admin.users.roles")}</legend>
                {ROLES.map((role) => (
                  <label key={role} className="inline-check">
                    <input
                      type="checkbox"
                      name="roles"
                      value={role}
                      defaultChecked={u.roles.includes(role)}
                    />{" "}
                    {t(`roles.${role}`)}
                  </label>
                ))}
              </fieldset>
              <button type="submit" className="button">
                {t("admin.users.saveRoles")}
              </button>
            </Form>
            {committees.length > 0 ? (
              <Form
                method="post"
                className="inline-form"
                aria-label={t("admin.users.committeeOf", { name: u.displayName })}
              >
                <CsrfInput />
                <input type="hidden" name="intent" value="committee" />
                <input type="hidden" name="userId" value={u.id} />
                <label htmlFor={`committee-${u.id}`}>{t("admin.users.committee")}</label>
                <select id={`committee-${u.id}`} name="committeeId">
                  {committees.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
                <label htmlFor={`crole-${u.id}`}>{t("admin.users.committeeRole")}</label>
                <select id={`crole-${u.id}`} name="role" defaultValue="member">
                  <option value="member">{t("committeeRoles.member")}</option>
                  <option value="chair">{t("committeeRoles.chair")}</option>
                  <option value="secretary">{t("committeeRoles.secretary")}</option>
                  <option value="none">{t("admin.users.removeFromCommittee")}</option>
                </select>
                <button type="submit" className="button">
                  {t("common.save")}
                </button>
              </Form>
            ) : null}
            {u.committees.length > 0 ? (
              <p className="muted">
                {t("admin.users.memberOf")}:{" "}
                {u.committees
                  .map(
                    (m) =>
                      `${committees.find((c) => c.id === m.committeeId)?.name ?? m.committeeId} (${t(`committeeRoles.${m.role}`)})`,
                  )
                  .join("; ")}
              </p>
            ) : null}
          </li>
        ))}
      </ul>
      {pages > 1 ? (
        <nav aria-label={t("common.pagination")} className="pagination">
          {page > 1 ? (
            <a href={`?q=${encodeURIComponent(q)}&page=${page - 1}`}>{t("common.previous")}</a>
          ) : null}
          <span>{t("common.pageOf", { page, pages })}</span>
          {page < pages ? (
            <a href={`?q=${encodeURIComponent(q)}&page=${page + 1}`}>{t("common.next")}</a>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
