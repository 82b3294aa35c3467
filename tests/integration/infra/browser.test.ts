import { describe, expect, it } from "vitest";
import {
  consoleErrorsOf,
  expectNoAxeViolations,
  expectNoConsoleErrors,
  newPage,
  useBrowser,
} from "../../helpers/browser.ts";

const accessible = `<!doctype html><html lang="el"><head><meta charset="utf-8"><title>Διαβούλευση</title></head>
<body><main><h1>Διαβούλευση</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="Λογότυπο">
<label for="c">Σχόλιο</label><input id="c" name="c"></main></body></html>`;

const inaccessible = `<!doctype html><html><head><title>x</title></head>
<body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input id="c">
<script>console.error("boom from the page")</script></body></html>`;

describe("browser helper", () => {
  const browser = useBrowser();

  it("passes axe on an accessible page and collects no console errors", async () => {
    const page = await newPage(browser());
    await page.setContent(accessible);
    await expectNoAxeViolations(page, "accessible fixture");
    expectNoConsoleErrors(page);
    await page.context().close();
  });

  it("lists axe violations and console errors readably", async () => {
    const page = await newPage(browser());
    await page.setContent(inaccessible);
    const failure = await expectNoAxeViolations(page, "broken fixture").then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toContain("on broken fixture");
    expect(failure).toContain("image-alt");
    expect(failure).toContain("html-has-lang");
    expect(failure).toMatch(/\[critical\] image-alt: .+\n\s+img/);
    expect(consoleErrorsOf(page)).toEqual([expect.stringContaining("boom from the page")]);
    expect(() => expectNoConsoleErrors(page)).toThrow(/logged 1 error/);
    await page.context().close();
  });
});
