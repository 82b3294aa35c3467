import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import {
  isRouteErrorResponse,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { Layout } from "~/components/layout.tsx";
import { getUserAndCookie } from "~/domain/accounts/auth.server.ts";
import { useT, type RootData } from "~/i18n/useT.ts";
import { countUnreadNotifications } from "~/domain/notifications/notifications.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getLocale } from "~/utils/locale.server.ts";
import stylesheet from "~/styles/app.css";
import consultationsStyles from "~/styles/consultations.css";
import editorStyles from "~/styles/editor.css";
import searchStyles from "~/styles/search.css";
import notificationsStyles from "~/styles/notifications.css";
import manageStyles from "~/styles/manage.css";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "stylesheet", href: consultationsStyles },
  { rel: "stylesheet", href: editorStyles },
  { rel: "stylesheet", href: searchStyles },
  { rel: "stylesheet", href: notificationsStyles },
  { rel: "stylesheet", href: manageStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** Notices shown after a redirect (`?notice=key`); only known keys are shown. */
const NOTICES = new Set([
  "loggedOut",
  "loggedOutEverywhere",
  "passwordChanged",
  "passwordReset",
  "emailVerified",
  "profileSaved",
  "accountErased",
  "loggedIn",
  "rolesSaved",
  "submissionPosted",
  "submissionPending",
  "submissionUpdated",
  "submissionWithdrawn",
  "followed",
  "unfollowed",
]);

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { user, setCookie } = await getUserAndCookie(request);
  const locale = getLocale(request, user?.locale);
  const notice = new URL(request.url).searchParams.get("notice");
  const rootData: RootData = {
    locale,
    csrfToken: context.csrfToken,
    user: user
      ? {
          id: user.id,
          displayName: user.displayName,
          emailVerified: user.emailVerified,
          roles: [...user.roles],
          unread: await countUnreadNotifications(getDb(), user.id),
        }
      : null,
    notice: notice && NOTICES.has(notice) ? notice : null,
  };
  return data(rootData, { headers: setCookie ? { "Set-Cookie": setCookie } : {} });
}

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

function Document({ children, title }: { children: ReactNode; title?: string }) {
  const root = useRouteLoaderData("root") as RootData | undefined;
  const locale = root?.locale ?? "el";
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {title ? <title>{title}</title> : null}
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return (
    <Document>
      <Layout>
        <Outlet />
      </Layout>
    </Document>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const root = useRouteLoaderData("root") as RootData | undefined;
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const messageKey =
    isRouteErrorResponse(error) && typeof error.data === "string" && /^[a-z]+(\.[a-zA-Z]+)+$/.test(error.data)
      ? error.data
      : status === 404
        ? "errors.notFound"
        : status === 403
          ? "errors.forbidden"
          : "errors.unexpected";
  if (status >= 500) console.error(error);
  const body = (
    <section aria-labelledby="error-title">
      <h1 id="error-title">{t(`errors.title${status === 404 ? "404" : status === 403 ? "403" : ""}`)}</h1>
      <p>{t(messageKey)}</p>
      <p>
        <Link to="/">{t("errors.backHome")}</Link>
      </p>
    </section>
  );
  return (
    <Document title={`${t("errors.title")} · ${t("app.name")}`}>
      {root ? (
        <Layout>{body}</Layout>
      ) : (
        <main id="main" className="container">
          {body}
        </main>
      )}
    </Document>
  );
}
