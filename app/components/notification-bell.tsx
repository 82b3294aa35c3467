import { Link } from "@remix-run/react";
import { useEffect, useState } from "react";
import { useSocketEvent } from "~/realtime/client.ts";
import { useT } from "~/i18n/useT.ts";

/**
 * The header's link to /notifications with the unread count: in its accessible name ("Notifications, 3
 * unread") and as a visible badge. New notifications arrive over the user's socket room; each is announced in
 * a polite, visually hidden live region. `initialUnread` comes from the root loader and wins again after every
 * navigation (e.g. after marking notifications read).
 */
export function NotificationBell({ initialUnread }: { initialUnread: number }) {
  const t = useT();
  const [unread, setUnread] = useState(initialUnread);
  const [announcement, setAnnouncement] = useState("");
  useEffect(() => setUnread(initialUnread), [initialUnread]);

  useSocketEvent("notification:new", ({ unread: count }) => {
    setUnread(count);
    setAnnouncement(t("notifications.bell.announce", { count }));
  });

  const label =
    unread > 0 ? t("notifications.bell.labelUnread", { count: unread }) : t("notifications.bell.label");
  return (
    <span className="notification-bell">
      <Link to="/notifications" className="notification-bell-link" aria-label={label}>
        <svg
          aria-hidden="true"
          focusable="false"
          width="22"
          height="22"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
        {unread > 0 ? (
          <span className="notification-badge" aria-hidden="true">
            {unread > 99 ? "99+" : unread}
          </span>
        ) : null}
      </Link>
      <span className="notifications-sr-only" role="status" aria-live="polite">
        {announcement}
      </span>
    </span>
  );
}
