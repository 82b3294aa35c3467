import { createT } from "~/i18n/i18n.ts";
import { useLocale, useT } from "~/i18n/useT.ts";

/**
 * A text page whose sections live in the translation files under pages.<name>:
 * { title, intro, sections: [{ heading, body }] } (body paragraphs separated by blank lines).
 */
export function StaticPage({ name }: { name: string }) {
  const t = useT();
  const locale = useLocale();
  const count = Number(createT(locale)(`pages.${name}.sectionCount`)) || 0;
  return (
    <article className="prose" aria-labelledby="page-title">
      <h1 id="page-title">{t(`pages.${name}.title`)}</h1>
      <p className="lead">{t(`pages.${name}.intro`)}</p>
      {Array.from({ length: count }, (_, i) => (
        <section key={i}>
          <h2>{t(`pages.${name}.s${i + 1}.heading`)}</h2>
          {t(`pages.${name}.s${i + 1}.body`)
            .split("\n\n")
            .map((para, j) => (
              <p key={j}>{para}</p>
            ))}
        </section>
      ))}
    </article>
  );
}
