import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { login } from "~/domain/accounts/accounts.server.ts";
import { getUser, getUserAndCookie } from "~/domain/accounts/auth.server.ts";
import { sessionCookie } from "~/domain/accounts/session.server.ts";
import { isLocale } from "~/i18n/i18n.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { langCookie, safeRedirect } from "~/utils/locale.server.ts";
import { getRedis } from "~/utils/redis.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "accounts.login.title");

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) return redirect("/account");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = String(form.get("email") ?? "");
  try {
    const { user: previous } = await getUserAndCookie(request);
    const session = await login(
      { db: getDb(), redis: getRedis() },
      { email, password: form.get("password") ?? "" },
      { ip: context.clientIp, previousSessionId: previous?.sessionId },
    );
    const headers = new Headers();
    headers.append("Set-Cookie", sessionCookie(session.token, session.expiresAt));
    if (isLocale(session.locale)) headers.append("Set-Cookie", langCookie(session.locale));
    return redirect(safeRedirect(form.get("redirectTo"), "/?notice=loggedIn"), { headers });
  } catch (error) {
    return actionError(error, { email });
  }
}

export default function Login() {
  const t = useT();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t("accounts.login.title")}</h1>
      <FormErrors result={result} />
      {result && "formError" in result && result.formError?.key.startsWith("accounts.errors.blocked") ? (
        <p>
          <Link to="/appeal">{t("moderation.appeal.loginLink")}</Link>
        </p>
      ) : null}
      <Form method="post" noValidate>
        <CsrfInput />
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? ""} />
        <Field
          label={t("accounts.fields.email")}
          name="email"
          type="email"
          autoComplete="username"
          required
          defaultValue={typedValue(result, "email")}
          error={fieldError(result, "email")}
        />
        <Field
          label={t("accounts.fields.password")}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          error={fieldError(result, "password")}
        />
        <button type="submit" className="button primary" disabled={busy}>
          {t("accounts.login.submit")}
        </button>
      </Form>
      <p>
        <Link to="/password/forgot">{t("accounts.login.forgot")}</Link>
      </p>
      <p>
        {t("accounts.login.noAccount")} <Link to="/register">{t("accounts.login.registerLink")}</Link>
      </p>
    </section>
  );
}
