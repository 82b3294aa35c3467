import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { Checkbox, CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { register } from "~/domain/accounts/accounts.server.ts";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { getLocale } from "~/utils/locale.server.ts";
import { pageTitle } from "~/utils/meta.ts";
import { getRedis } from "~/utils/redis.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "accounts.register.title");

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) return redirect("/account");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const values = {
    email: String(form.get("email") ?? ""),
    displayName: String(form.get("displayName") ?? ""),
  };
  try {
    await register(
      { db: getDb(), redis: getRedis() },
      {
        ...values,
        password: form.get("password") ?? "",
        acceptTerms: form.get("acceptTerms") ?? undefined,
        acceptPrivacy: form.get("acceptPrivacy") ?? undefined,
      },
      { ip: context.clientIp, locale: getLocale(request) },
    );
    // Same answer whether or not the address already has an account.
    return { ok: true as const, sent: true };
  } catch (error) {
    return actionError(error, values);
  }
}

export default function Register() {
  const t = useT();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  if (result && "sent" in result) {
    return (
      <section className="narrow" aria-labelledby="sent-title">
        <h1 id="sent-title">{t("accounts.register.sentTitle")}</h1>
        <p role="status">{t("accounts.register.sentBody")}</p>
      </section>
    );
  }
  return (
    <section className="narrow" aria-labelledby="register-title">
      <h1 id="register-title">{t("accounts.register.title")}</h1>
      <p>{t("accounts.register.intro")}</p>
      <FormErrors result={result} />
      <Form method="post" noValidate>
        <CsrfInput />
        <Field
          label={t("accounts.fields.email")}
          name="email"
          type="email"
          autoComplete="email"
          required
          defaultValue={typedValue(result, "email")}
          error={fieldError(result, "email")}
        />
        <Field
          label={t("accounts.fields.displayName")}
          hint={t("accounts.register.displayNameHint")}
          name="displayName"
          autoComplete="nickname"
          required
          maxLength={50}
          defaultValue={typedValue(result, "displayName")}
          error={fieldError(result, "displayName")}
        />
        <Field
          label={t("accounts.fields.password")}
          hint={t("accounts.register.passwordHint")}
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={10}
          error={fieldError(result, "password")}
        />
        <Checkbox
          name="acceptTerms"
          error={fieldError(result, "acceptTerms")}
          label={
            <>
              {t("accounts.register.acceptTerms")} (
              <Link to="/terms" target="_blank">
                {t("footer.terms")}
              </Link>
              )
            </>
          }
        />
        <Checkbox
          name="acceptPrivacy"
          error={fieldError(result, "acceptPrivacy")}
          label={
            <>
              {t("accounts.register.acceptPrivacy")} (
              <Link to="/privacy" target="_blank">
                {t("footer.privacy")}
              </Link>
              )
            </>
          }
        />
        <button type="submit" className="button primary" disabled={busy}>
          {t("accounts.register.submit")}
        </button>
      </Form>
      <p>
        {t("accounts.register.haveAccount")} <Link to="/login">{t("accounts.register.loginLink")}</Link>
      </p>
    </section>
  );
}
