import type { MetaFunction } from "@remix-run/node";
import { useT } from "~/i18n/useT.ts";
import { pageTitle } from "~/utils/meta.ts";

// The benchmarks' baseline (bench/pages.ts): a page of the same server, through the same layout and root
// loader, that touches no database (the root loader looks up a session only when a session cookie is sent).
export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "status.title");

export default function Status() {
  const t = useT();
  return (
    <section className="prose" aria-labelledby="status-title">
      <h1 id="status-title">{t("status.title")}</h1>
      <p>{t("status.running")}</p>
    </section>
  );
}
