import { Form, Link, NavLink, useLocation } from "@remix-run/react";
import { NotificationBell } from "./notification-bell.tsx";
import type { ReactNode } from "react";
import { useRootData, useT } from "~/i18n/useT.ts";
import { CsrfInput } from "./forms.tsx";
import { UrgentAlerts } from "./urgent-alerts.tsx";

function LanguageSwitcher() {
  const { locale } = useRootData();
  const t = useT();
  const location = useLocation();
  const other = locale === "el" ? "en" : "el";
  return (
    <Form method="post" action="/language" className="lang-switch">
      <CsrfInput />
      <input type="hidden" name="lang" value={other} />
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <button type="submit" className="link-button" lang={other}>
        <span aria-hidden="true">{other.toUpperCase()} · </span>
        {t("layout.switchLanguage")}
      </button>
    </Form>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const t = useT();
  const { user, notice } = useRootData();
  return (
    <>
      <a href="#main" className="skip-link">
        {t("layout.skipToContent")}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-name">{t("app.name")}</span>
            <span className="brand-tagline">{t("app.tagline")}</span>
          </Link>
          <nav aria-label={t("layout.mainNav")} className="main-nav">
            <ul>
              <li>
                <NavLink to="/" end>
                  {t("nav.home")}
                </NavLink>
              </li>
              <li>
                <NavLink to="/consultations">{t("nav.consultations")}</NavLink>
              </li>
              <li>
                <NavLink to="/sessions">{t("nav.sessions")}</NavLink>
              </li>
              {user?.roles.includes("directorate") || user?.roles.includes("admin") ? (
                <li>
                  <NavLink to="/manage/consultations">{t("nav.manage")}</NavLink>
                </li>
              ) : null}
              {user?.roles.includes("directorate") || user?.roles.includes("admin") ? (
                <li>
                  <NavLink to="/directorate">{t("priority.nav")}</NavLink>
                </li>
              ) : null}
              {user?.roles.includes("moderator") ? (
                <li>
                  <NavLink to="/moderation" end>
                    {t("nav.moderation")}
                  </NavLink>
                </li>
              ) : null}
              {user?.roles.some((r) => r === "moderator" || r === "directorate" || r === "admin") ? (
                <li>
                  <NavLink to="/alerts">{t("analysis.alerts.nav")}</NavLink>
                </li>
              ) : null}
              {user?.roles.includes("admin") ? (
                <>
                  <li>
                    <NavLink to="/admin/users">{t("nav.admin")}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/settings">{t("moderation.settings.nav")}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/admin/queues">{t("analysis.queues.nav")}</NavLink>
                  </li>
                </>
              ) : null}
              {user ? (
                <li>
                  <NavLink to="/account">{t("nav.account")}</NavLink>
                </li>
              ) : (
                <>
                  <li>
                    <NavLink to="/login">{t("nav.login")}</NavLink>
                  </li>
                  <li>
                    <NavLink to="/register">{t("nav.register")}</NavLink>
                  </li>
                </>
              )}
            </ul>
          </nav>
          <div className="header-tools">
            <form method="get" action="/search" role="search" className="header-search">
              <label htmlFor="header-search-q" className="visually-hidden">
                {t("nav.searchLabel")}
              </label>
              <input id="header-search-q" type="search" name="q" maxLength={200} />
              <button type="submit" className="button">
                {t("nav.search")}
              </button>
            </form>
            {user ? <NotificationBell initialUnread={user.unread} /> : null}
            <LanguageSwitcher />
            {user ? (
              <Form method="post" action="/logout">
                <CsrfInput />
                <button type="submit" className="link-button">
                  {t("nav.logout")}
                </button>
              </Form>
            ) : null}
          </div>
        </div>
      </header>
      {user && !user.emailVerified ? (
        <div className="banner" role="note">
          <div className="container">{t("accounts.verifyBanner")}</div>
        </div>
      ) : null}
      <UrgentAlerts />
      <main id="main" tabIndex={-1} className="container">
        {notice ? (
          <div className="notice" role="status">
            {t(`notices.${notice}`)}
          </div>
        ) : null}
        {children}
      </main>
      <footer className="site-footer">
        <div className="container">
          <nav aria-label={t("layout.footerNav")}>
            <ul>
              <li>
                <Link to="/privacy">{t("footer.privacy")}</Link>
              </li>
              <li>
                <Link to="/accessibility">{t("footer.accessibility")}</Link>
              </li>
              <li>
                <Link to="/terms">{t("footer.terms")}</Link>
              </li>
              <li>
                <Link to="/transparency">{t("footer.transparency")}</Link>
              </li>
            </ul>
          </nav>
          <p>{t("footer.about")}</p>
        </div>
      </footer>
    </>
  );
}
