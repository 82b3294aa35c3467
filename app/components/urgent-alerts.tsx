/**
 * Live urgent alerts for moderators, the Directorate and admins, on every page: urgent submissions that
 * arrive while a page is open appear in a banner under the header and are announced politely (an alert
 * about someone else's situation must not interrupt what the reader is doing, nor move focus). The list of
 * open alerts, with acknowledgement, is at /alerts.
 */
import { Link } from "@remix-run/react";
import { useState } from "react";
import { useRootData, useT } from "~/i18n/useT.ts";
import { useRoom, useSocketEvent } from "~/realtime/client.ts";
import type { ServerEvents } from "~/realtime/events.ts";
import { rooms } from "~/realtime/rooms.ts";
import { LiveAnnouncer, useAnnouncer } from "./live.tsx";

type Alert = Parameters<ServerEvents["alert:urgent"]>[0];
const STAFF_ROLES = ["moderator", "directorate", "admin"];
/** The banner lists the newest few; /alerts has them all. */
const SHOWN = 3;

export function UrgentAlerts() {
  const { user } = useRootData();
  const staff = !!user?.roles.some((r) => STAFF_ROLES.includes(r));
  return staff ? <UrgentAlertsBanner /> : null;
}

function UrgentAlertsBanner() {
  const t = useT();
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [message, announce] = useAnnouncer();
  useRoom(rooms.alerts());
  useSocketEvent("alert:urgent", (a) => {
    setAlerts((list) => [a, ...list.filter((x) => x.submissionId !== a.submissionId)].slice(0, SHOWN));
    announce(t("analysis.alerts.live", { title: a.title }));
  });
  return (
    <>
      <LiveAnnouncer message={message} />
      {alerts.length > 0 ? (
        <section className="banner urgent-banner" aria-labelledby="urgent-banner-title">
          <div className="container stack">
            <h2 id="urgent-banner-title" className="h3">
              {t("analysis.alerts.bannerTitle")}
            </h2>
            <ul className="plain">
              {alerts.map((a) => (
                <li key={a.submissionId}>
                  <Link to={`/submissions/${a.submissionId}`}>
                    {t("analysis.alerts.banner", { title: a.title })}
                  </Link>
                </li>
              ))}
            </ul>
            <p className="inline-form">
              <Link to="/alerts">{t("analysis.alerts.seeAll")}</Link>
              <button type="button" className="link-button" onClick={() => setAlerts([])}>
                {t("analysis.alerts.hide")}
              </button>
            </p>
          </div>
        </section>
      ) : null}
    </>
  );
}
