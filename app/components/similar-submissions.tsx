import { useEffect, useId, useRef, useState } from "react";
import { SIMILAR_MIN_CHARS } from "~/domain/search/search.schema.ts";
import { useT } from "~/i18n/useT.ts";

type Similar = { id: string; title: string; supportCount: number; commentCount: number; url: string };

const DEBOUNCE_MS = 300;

/**
 * "Similar submissions already exist: …" under a title field, so a participant can support or comment on
 * an existing submission instead of writing a duplicate. Listens to the input with id `inputId` (typing
 * pauses of 300 ms, titles of at least 8 characters), asks /api/similar, and shows the matches; nothing
 * when there are none. Screen readers hear only how many were found, when that number changes, through a
 * polite live region (not the list, not on every keystroke).
 */
export function SimilarSubmissions({ consultationId, inputId }: { consultationId: string; inputId: string }) {
  const t = useT();
  const headingId = useId();
  const [results, setResults] = useState<Similar[]>([]);
  const [announcement, setAnnouncement] = useState("");
  const announced = useRef(0);

  useEffect(() => {
    const input = document.getElementById(inputId);
    if (!(input instanceof HTMLInputElement || input instanceof HTMLTextAreaElement)) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let controller: AbortController | undefined;
    let lastQuery = "";

    const show = (found: Similar[]) => {
      setResults(found);
      // Announce the count only when it changes; a cleared list is not announced.
      if (found.length !== announced.current) {
        announced.current = found.length;
        setAnnouncement(found.length > 0 ? t("search.similar.announce", { count: found.length }) : "");
      }
    };

    const lookUp = async () => {
      const q = input.value.trim();
      if (q === lastQuery) return;
      lastQuery = q;
      controller?.abort();
      if (q.length < SIMILAR_MIN_CHARS) {
        show([]);
        return;
      }
      controller = new AbortController();
      const params = new URLSearchParams({ consultation: consultationId, q });
      try {
        const response = await fetch(`/api/similar?${params.toString()}`, {
          signal: controller.signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) return; // Suggestions are a help, not a requirement: stay quiet on errors.
        const body = (await response.json()) as { results?: Similar[] };
        show(Array.isArray(body.results) ? body.results : []);
      } catch {
        // Aborted by a newer keystroke, or offline: keep what is shown.
      }
    };

    const onInput = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void lookUp(), DEBOUNCE_MS);
    };
    input.addEventListener("input", onInput);
    // A title restored from a draft (or typed before hydration) gets suggestions too.
    if (input.value.trim().length >= SIMILAR_MIN_CHARS) onInput();
    return () => {
      input.removeEventListener("input", onInput);
      clearTimeout(timer);
      controller?.abort();
    };
  }, [consultationId, inputId, t]);

  return (
    <div className="similar-submissions">
      <p aria-live="polite" className="similar-status">
        {announcement}
      </p>
      {results.length > 0 ? (
        <section className="similar-list" aria-labelledby={headingId}>
          <p id={headingId} className="similar-title">
            {t("search.similar.title")}
          </p>
          <ul>
            {results.map((s) => (
              <li key={s.id}>
                <a href={s.url}>{s.title}</a>{" "}
                <span className="meta similar-meta">
                  <span>{t("search.similar.supports", { count: s.supportCount })}</span>
                  <span>{t("search.similar.comments", { count: s.commentCount })}</span>
                </span>
              </li>
            ))}
          </ul>
          <p className="hint">{t("search.similar.hint")}</p>
        </section>
      ) : null}
    </div>
  );
}
