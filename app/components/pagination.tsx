import { Link, useLocation } from "@remix-run/react";
import { useT } from "~/i18n/useT.ts";

/** Previous / next links that keep every other query parameter (filters, sort, seed) in the URL. */
export function Pagination({ page, pages, param = "page" }: { page: number; pages: number; param?: string }) {
  const t = useT();
  const location = useLocation();
  if (pages <= 1) return null;
  const href = (p: number) => {
    const params = new URLSearchParams(location.search);
    if (p === 1) params.delete(param);
    else params.set(param, String(p));
    const qs = params.toString();
    return `${location.pathname}${qs ? `?${qs}` : ""}`;
  };
  return (
    <nav aria-label={t("common.pagination")} className="pagination">
      {page > 1 ? (
        <Link to={href(page - 1)} rel="prev">
          {t("consultations.pagination.previous")}
        </Link>
      ) : null}
      <span aria-current="page">{t("consultations.pagination.pageOf", { page, pages })}</span>
      {page < pages ? (
        <Link to={href(page + 1)} rel="next">
          {t("consultations.pagination.next")}
        </Link>
      ) : null}
    </nav>
  );
}
