/**
 * /admin/settings: admins set the moderation thresholds and rate limits (automatic hiding, flags, posts and
 * comments per hour, the queue's claim time-out). All fields are checked together, each error shown on its
 * field with what was typed kept; a save records who changed what (Setting rows and the audit log).
 */
import {
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
} from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { CsrfInput, Field, FormErrors, fieldError, typedValue } from "~/components/forms.tsx";
import { requireCan } from "~/domain/accounts/auth.server.ts";
import {
  MODERATION_SETTING_KEYS,
  SETTING_BOUNDS,
  type ModerationSettingName,
} from "~/domain/moderation/moderation.schema.ts";
import { moderationSettingsView, saveModerationSettings } from "~/domain/moderation/settings.server.ts";
import { formatDateTime } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { actionError } from "~/utils/errors.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "moderation.settings.title");

const NAMES = Object.keys(MODERATION_SETTING_KEYS) as ModerationSettingName[];

export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireCan(request, "admin.access");
  return moderationSettingsView(getDb(), admin);
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const admin = await requireCan(request, "admin.access");
  const input = Object.fromEntries(NAMES.map((n) => [n, form.get(n) ?? undefined]));
  const values = Object.fromEntries(NAMES.map((n) => [n, String(form.get(n) ?? "")]));
  try {
    const { changed } = await saveModerationSettings(getDb(), admin, input);
    return redirect(`/admin/settings?saved=${changed.length}`);
  } catch (error) {
    return actionError(error, values);
  }
}

export default function AdminSettings() {
  const t = useT();
  const locale = useLocale();
  const view = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const saved = params.get("saved");
  return (
    <section className="narrow stack" aria-labelledby="settings-title">
      <h1 id="settings-title">{t("moderation.settings.title")}</h1>
      <p>{t("moderation.settings.intro")}</p>
      {saved !== null && !result ? (
        <p className="notice" role="status">
          {t("moderation.settings.saved", { count: Number(saved) || 0 })}
        </p>
      ) : null}
      <p className="muted">
        {view.lastChange
          ? t("moderation.settings.lastChange", {
              when: formatDateTime(locale, view.lastChange.at),
              who: view.lastChange.by ?? t("moderation.settings.someone"),
            })
          : t("moderation.settings.neverChanged")}
      </p>
      <FormErrors result={result} />
      <Form method="post" className="stack" noValidate>
        <CsrfInput />
        {NAMES.map((name) => (
          <Field
            key={name}
            label={t(`moderation.settings.fields.${name}`)}
            hint={t("moderation.settings.hint", {
              min: SETTING_BOUNDS[name].min,
              max: SETTING_BOUNDS[name].max,
              default: view.defaults[name],
            })}
            name={name}
            type="number"
            inputMode="numeric"
            min={SETTING_BOUNDS[name].min}
            max={SETTING_BOUNDS[name].max}
            step={1}
            required
            defaultValue={typedValue(result, name) ?? String(view.values[name])}
            error={fieldError(result, name)}
          />
        ))}
        <button type="submit" className="button primary">
          {t("moderation.settings.save")}
        </button>
      </Form>
    </section>
  );
}
