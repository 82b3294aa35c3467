import type { MetaFunction } from "@remix-run/node";
import { StaticPage } from "~/components/static-page.tsx";
import { pageTitle } from "~/utils/meta.ts";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "pages.accessibility.title");

export default function Page() {
  return <StaticPage name="accessibility" />;
}
