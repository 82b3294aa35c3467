import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { Checkbox, CsrfInput, Field, FormErrors, fieldError } from "~/components/forms.tsx";
import {
  changePassword,
  eraseAccount,
  getAccountOverview,
  logoutEverywhere,
  updateProfile,
} from "~/domain/accounts/accounts.server.ts";
import { requireUser } from "~/domain/accounts/auth.server.ts";
import { blankSessionCookie, sessionCookie } from "~/domain/accounts/session.server.ts";
import { formatDate } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { langCookie } from "~/utils/locale.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "accounts.account.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  return getAccountOverview(getDb(), user.id);
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const form = await readForm(request);
  const intent = form.get("intent");
  const db = getDb();
  try {
    switch (intent) {
      case "profile": {
        const locale = String(form.get("locale") ?? "");
        await updateProfile(db, user.id, {
          displayName: form.get("displayName") ?? "",
          locale,
          digest: form.get("digest") ?? "",
        });
        return redirect("/account?notice=profileSaved", {
          headers: { "Set-Cookie": langCookie(locale === "en" ? "en" : "el") },
        });
      }
      case "password": {
        const session = await changePassword(db, user.id, {
          currentPassword: form.get("currentPassword") ?? "",
          password: form.get("password") ?? "",
        });
        return redirect("/account?notice=passwordChanged", {
          headers: { "Set-Cookie": sessionCookie(session.token, session.expiresAt) },
        });
      }
      case "logoutAll":
        await logoutEverywhere(db, user.id);
        return redirect("/?notice=loggedOutEverywhere", { headers: { "Set-Cookie": blankSessionCookie() } });
      case "erase":
        await eraseAccount(db, user.id, {
          password: form.get("password") ?? "",
          confirm: form.get("confirm") ?? undefined,
        });
        return redirect("/?notice=accountErased", { headers: { "Set-Cookie": blankSessionCookie() } });
      default:
        throw new Response("errors.invalid", { status: 400 });
    }
  } catch (error) {
    return actionError(error, undefined, String(intent));
  }
}

export default function Account() {
  const t = useT();
  const locale = useLocale();
  const account = useLoaderData<typeof loader>();
  const raw = useActionData<typeof action>();
  const intent = (raw as { intent?: string } | undefined)?.intent;
  const resultFor = (name: string) => (intent === name ? raw : undefined);
  return (
    <div className="stack">
      <h1>{t("accounts.account.title")}</h1>
      <section aria-labelledby="profile-title" className="card">
        <h2 id="profile-title">{t("accounts.account.profile")}</h2>
        <dl className="facts">
          <dt>{t("accounts.fields.email")}</dt>
          <dd>{account.email}</dd>
          <dt>{t("accounts.account.memberSince")}</dt>
          <dd>{formatDate(locale, account.createdAt)}</dd>
          <dt>{t("accounts.account.roles")}</dt>
          <dd>{account.roles.map((r) => t(`roles.${r}`)).join(", ")}</dd>
          {account.committees.length > 0 ? (
            <>
              <dt>{t("accounts.account.committees")}</dt>
              <dd>
                <ul className="plain">
                  {account.committees.map((c) => (
                    <li key={c.name}>
                      {c.name} ({t(`committeeRoles.${c.role}`)})
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
        </dl>
        <FormErrors result={resultFor("profile")} />
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="profile" />
          <Field
            label={t("accounts.fields.displayName")}
            hint={t("accounts.register.displayNameHint")}
            name="displayName"
            required
            maxLength={50}
            defaultValue={account.displayName}
            error={fieldError(resultFor("profile"), "displayName")}
          />
          <div className="field">
            <label htmlFor="locale">{t("accounts.fields.locale")}</label>
            <select id="locale" name="locale" defaultValue={account.locale}>
              <option value="el" lang="el">
                {t("languages.el")}
              </option>
              <option value="en" lang="en">
                {t("languages.en")}
              </option>
            </select>
          </div>
          <div className="field">
            <label htmlFor="digest">{t("accounts.fields.digest")}</label>
            <select id="digest" name="digest" defaultValue={account.digest}>
              <option value="daily">{t("accounts.digest.daily")}</option>
              <option value="none">{t("accounts.digest.none")}</option>
            </select>
          </div>
          <button type="submit" className="button">
            {t("common.save")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="password-title" className="card">
        <h2 id="password-title">{t("accounts.account.changePassword")}</h2>
        <FormErrors result={resultFor("password")} />
        <Form method="post" noValidate>
          <CsrfInput />
          <input type="hidden" name="intent" value="password" />
          <Field
            label={t("accounts.fields.currentPassword")}
            name="currentPassword"
            type="password"
            autoComplete="current-password"
            required
            error={fieldError(resultFor("password"), "currentPassword")}
          />
          <Field
            label={t("accounts.fields.newPassword")}
            hint={t("accounts.register.passwordHint")}
            name="password"
            type="password"
            autoComplete="new-password"
            required
            error={fieldError(resultFor("password"), "password")}
          />
          <button type="submit" className="button">
            {t("accounts.account.changePasswordSubmit")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="sessions-title" className="card">
        <h2 id="sessions-title">{t("accounts.account.sessions")}</h2>
        <p>{t("accounts.account.activeSessions", { count: account.activeSessions })}</p>
        <Form method="post">
          <CsrfInput />
          <input type="hidden" name="intent" value="logoutAll" />
          <button type="submit" className="button">
            {t("accounts.account.logoutEverywhere")}
          </button>
        </Form>
      </section>

      <section aria-labelledby="data-title" className="card">
        <h2 id="data-title">{t("accounts.account.yourData")}</h2>
        <p>{t("accounts.account.exportIntro")}</p>
        <p>
          <a href="/account/export" download className="button">
            {t("accounts.account.export")}
          </a>
        </p>
        <h3 id="erase-title">{t("accounts.account.erase")}</h3>
        <p>{t("accounts.account.eraseIntro")}</p>
        <FormErrors result={resultFor("erase")} />
        <Form method="post" noValidate aria-labelledby="erase-title">
          <CsrfInput />
          <input type="hidden" name="intent" value="erase" />
          <Field
            label={t("accounts.fields.currentPassword")}
            name="password"
            type="password"
            autoComplete="current-password"
            required
            error={fieldError(resultFor("erase"), "password")}
          />
          <Checkbox
            name="confirm"
            label={t("accounts.account.eraseConfirm")}
            error={fieldError(resultFor("erase"), "confirm")}
          />
          <button type="submit" className="button danger">
            {t("accounts.account.eraseSubmit")}
          </button>
        </Form>
      </section>
    </div>
  );
}
