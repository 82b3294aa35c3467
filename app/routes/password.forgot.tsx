import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { requestPasswordReset } from "~/domain/accounts/accounts.server.ts";
import { useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { getLocale } from "~/utils/locale.server.ts";
import { pageTitle } from "~/utils/meta.ts";
import { getRedis } from "~/utils/redis.server.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "accounts.forgot.title");

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await readForm(request);
  const email = String(form.get("email") ?? "");
  try {
    await requestPasswordReset(
      { db: getDb(), redis: getRedis() },
      { email },
      { ip: context.clientIp, locale: getLocale(request) },
    );
    return { ok: true as const, sent: true };
  } catch (error) {
    return actionError(error, { email });
  }
}

export default function ForgotPassword() {
  const t = useT();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state === "submitting";
  return (
    <section className="narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">{t("accounts.forgot.title")}</h1>
      {result && "sent" in result ? (
        <p role="status">{t("accounts.forgot.sent")}</p>
      ) : (
        <>
          <p>{t("accounts.forgot.intro")}</p>
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
            <button type="submit" className="button primary" disabled={busy}>
              {t("accounts.forgot.submit")}
            </button>
          </Form>
        </>
      )}
    </section>
  );
}
