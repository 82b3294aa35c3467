import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError } from "~/components/forms.tsx";
import { isResetTokenValid, resetPassword } from "~/domain/accounts/accounts.server.ts";
import { blankSessionCookie } from "~/domain/accounts/session.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "accounts.reset.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return { token, valid: await isResetTokenValid(getDb(), token) };
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  try {
    await resetPassword(getDb(), { token: form.get("token") ?? "", password: form.get("password") ?? "" });
    return redirect("/login?notice=passwordReset", { headers: { "Set-Cookie": blankSessionCookie() } });
  } catch (error) {
    return actionError(error);
  }
}

export default function ResetPassword() {
  const t = useT();
  const { token, valid } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">{t("accounts.reset.title")}</h1>
      {valid ? (
        <>
          <FormErrors result={result} />
          <Form method="post" noValidate>
            <CsrfInput />
            <input type="hidden" name="token" value={token} />
            <Field
              label={t("accounts.fields.newPassword")}
              hint={t("accounts.register.passwordHint")}
              name="password"
              type="password"
              autoComplete="new-password"
              required
              minLength={10}
              error={fieldError(result, "password")}
            />
            <button type="submit" className="button primary" disabled={busy}>
              {t("accounts.reset.submit")}
            </button>
          </Form>
        </>
      ) : (
        <p>
          {t("accounts.errors.resetTokenInvalid")}{" "}
          <Link to="/password/forgot">{t("accounts.login.forgot")}</Link>
        </p>
      )}
    </section>
  );
}
