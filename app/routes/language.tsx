import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { setUserLocale } from "~/domain/accounts/accounts.server.ts";
import { isLocale } from "~/i18n/i18n.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { langCookie, safeRedirect } from "~/utils/locale.server.ts";

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  const lang = form.get("lang");
  if (!isLocale(lang)) throw new Response("errors.invalid", { status: 400 });
  const user = await getUser(request);
  if (user) await setUserLocale(getDb(), user.id, lang);
  return redirect(safeRedirect(form.get("redirectTo")), { headers: { "Set-Cookie": langCookie(lang) } });
}

export function loader() {
  return redirect("/");
}

// A UI route (never rendered on success: the action redirects) so that a refused form shows the
// translated error page instead of a bare response.
export default function NoPage() {
  return null;
}
