import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportUserData } from "~/domain/accounts/accounts.server.ts";
import { requireUser } from "~/domain/accounts/auth.server.ts";
import { getDb } from "~/utils/db.server.ts";

/** Right of access: all the user's data as a JSON download. */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const body = JSON.stringify(await exportUserData(getDb(), user.id), null, 2);
  return new Response(body, {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="synochi-data-${new Date().toISOString().slice(0, 10)}.json"`,
      "Cache-Control": "no-store",
    },
  });
}
