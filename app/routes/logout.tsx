import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { getUser } from "~/domain/accounts/auth.server.ts";
import { blankSessionCookie, invalidateSession } from "~/domain/accounts/session.server.ts";
import { readForm } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";

export async function action({ request }: ActionFunctionArgs) {
  await readForm(request);
  const user = await getUser(request);
  if (user) await invalidateSession(getDb(), user.sessionId);
  return redirect("/?notice=loggedOut", { headers: { "Set-Cookie": blankSessionCookie() } });
}

export function loader() {
  return redirect("/");
}

// A UI route (never rendered on success: the action redirects) so that a refused form shows the
// translated error page instead of a bare response.
export default function NoPage() {
  return null;
}
