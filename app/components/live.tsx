import { useEffect, useState } from "react";
import { useT } from "~/i18n/useT.ts";

/**
 * A polite live region: screen readers announce `message` when it changes, without moving focus. The same
 * text twice in a row is re-announced by briefly clearing the region.
 */
export function LiveAnnouncer({ message }: { message: { text: string; at: number } | null }) {
  const [shown, setShown] = useState("");
  useEffect(() => {
    if (!message) return;
    setShown("");
    const timer = setTimeout(() => setShown(message.text), 100);
    return () => clearTimeout(timer);
  }, [message]);
  return (
    <p className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {shown}
    </p>
  );
}

/** Returns [message, announce] for LiveAnnouncer. */
export function useAnnouncer(): [{ text: string; at: number } | null, (text: string) => void] {
  const [message, setMessage] = useState<{ text: string; at: number } | null>(null);
  return [message, (text: string) => setMessage({ text, at: Date.now() })];
}

/**
 * "Show N new": new items wait behind this button instead of pushing what the reader is reading. Hidden
 * while there is nothing new.
 */
export function NewItemsButton({
  count,
  labelKey,
  onShow,
}: {
  count: number;
  labelKey: string;
  onShow: () => void;
}) {
  const t = useT();
  if (count === 0) return null;
  return (
    <p className="new-items">
      <button type="button" className="button" onClick={onShow}>
        {t(labelKey, { count })}
      </button>
    </p>
  );
}

/** A small hint while the live connection is down (updates resume and catch up on reconnect). */
export function OfflineHint({ connected, hydrated }: { connected: boolean; hydrated: boolean }) {
  const t = useT();
  if (!hydrated || connected) return null;
  return <p className="hint offline-hint">{t("consultations.live.offline")}</p>;
}

/** True after the first client render (live features only work then). */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
