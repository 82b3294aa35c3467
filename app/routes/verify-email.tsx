import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { verifyEmail } from "~/domain/accounts/accounts.server.ts";
import { useT } from "~/i18n/useT.ts";
import { getDb } from "~/utils/db.server.ts";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "accounts.verify.title");

export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token") ?? "";
  return { verified: await verifyEmail(getDb(), token) };
}

export default function VerifyEmail() {
  const t = useT();
  const { verified } = useLoaderData<typeof loader>();
  return (
    <section className="narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("accounts.verify.title")}</h1>
      <p role="status">{t(verified ? "accounts.verify.ok" : "accounts.verify.failed")}</p>
      <p>
        <Link to={verified ? "/login" : "/account"}>
          {t(verified ? "accounts.verify.loginLink" : "nav.account")}
        </Link>
      </p>
    </section>
  );
}
