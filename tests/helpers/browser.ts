/**
 * Debian's chromium driven by playwright-core (never `playwright install`), plus axe-core checks and
 * console-error collection.
 *
 *   const browser = useBrowser();
 *   it("…", async () => {
 *     const page = await newPage(browser());
 *     await page.goto(app.url);
 *     await expectNoAxeViolations(page, "home");
 *     expectNoConsoleErrors(page);
 *   });
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContextOptions, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || "/usr/bin/chromium";

/** Flags from STACK.md. No --user-data-dir: launch() always starts from a fresh temporary profile of its own
 *  (and refuses that flag); launchPersistentContext would allow a single context per browser only. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`sudo apt-get install -y chromium\` (or set CHROMIUM_PATH).`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/** Launches one browser for the test file in beforeAll and closes it in afterAll; returns a getter. */
export function useBrowser(): () => Browser {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return () => {
    if (!browser)
      throw new Error("The browser exists only from beforeAll on: call the getter inside a test or hook.");
    return browser;
  };
}

const consoleErrors = new WeakMap<Page, string[]>();

/** Starts collecting console.error messages and uncaught page errors; returns the live list. */
export function collectConsoleErrors(page: Page): string[] {
  const existing = consoleErrors.get(page);
  if (existing) return existing;
  const errors: string[] = [];
  consoleErrors.set(page, errors);
  page.on("console", (message) => {
    if (message.type() === "error") {
      const { url, lineNumber } = message.location();
      errors.push(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
    }
  });
  page.on("pageerror", (error) => errors.push(`uncaught: ${error.message}`));
  return errors;
}

/** The console errors collected on `page` so far (collection starts in newPage or collectConsoleErrors). */
export function consoleErrorsOf(page: Page): string[] {
  return consoleErrors.get(page) ?? [];
}

export function expectNoConsoleErrors(page: Page): void {
  const errors = consoleErrorsOf(page);
  if (errors.length > 0) {
    throw new Error(
      `The page logged ${errors.length} error(s):\n${errors.map((e) => `  - ${e}`).join("\n")}`,
    );
  }
}

/** A page in a new context (own cookies), collecting console errors from the start. */
export async function newPage(browser: Browser, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  collectConsoleErrors(page);
  return page;
}

/**
 * A page in a new context, signed in by the session cookie of `sessionToken` (none: a visitor) and carrying
 * the language cookie `lang` when given, both as the server sets them (the session one httpOnly).
 */
export async function signedInPage(
  browser: Browser,
  baseURL: string,
  { locale, sessionToken, lang }: { locale: string; sessionToken?: string | null; lang?: "el" | "en" },
): Promise<Page> {
  const page = await newPage(browser, { locale, baseURL });
  const cookies: { name: string; value: string; url: string; httpOnly?: boolean; sameSite: "Lax" }[] = [];
  if (sessionToken) {
    cookies.push({
      name: "synochi_session",
      value: sessionToken,
      url: baseURL,
      httpOnly: true,
      sameSite: "Lax",
    });
  }
  if (lang) cookies.push({ name: "synochi_lang", value: lang, url: baseURL, sameSite: "Lax" });
  if (cookies.length > 0) await page.context().addCookies(cookies);
  return page;
}

/** Remix hydrates after load; interacting before that would bypass the client-side behaviour under test. */
export async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.readyState === "complete" &&
      !!(window as unknown as { __remixRouter?: unknown }).__remixRouter,
  );
}

let axeSource: string | undefined;

export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

interface AxeViolationSummary {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
  nodes: number;
}

/** Formats axe violations as one readable block. */
export function formatAxeViolations(label: string, violations: AxeViolationSummary[]): string {
  const lines = violations.map((v) => {
    const targets = v.targets.map((t) => `      ${t}`).join("\n");
    const more = v.nodes > v.targets.length ? `\n      … and ${v.nodes - v.targets.length} more` : "";
    return `  - [${v.impact ?? "n/a"}] ${v.id}: ${v.help} (${v.helpUrl})\n${targets}${more}`;
  });
  return `${violations.length} accessibility violation(s) (WCAG 2.0/2.1 A/AA) on ${label}:\n${lines.join("\n")}`;
}

/** Runs axe-core (WCAG 2.0/2.1 A and AA rules) on the page as it is now; throws listing every violation. */
export async function expectNoAxeViolations(
  page: Page,
  label: string,
  options: { exclude?: string[] } = {},
): Promise<void> {
  axeSource ??= readFileSync(path.join(repoRoot, "node_modules/axe-core/axe.min.js"), "utf8");
  // page.evaluate goes through the DevTools protocol, so the app's Content-Security-Policy cannot block it.
  const hasAxe = await page.evaluate(
    () => typeof (window as unknown as { axe?: unknown }).axe !== "undefined",
  );
  if (!hasAxe) await page.evaluate(axeSource);
  const violations = await page.evaluate(
    async ({ tags, exclude }) => {
      type AxeResult = {
        violations: {
          id: string;
          impact: string | null;
          help: string;
          helpUrl: string;
          nodes: { target: unknown[] }[];
        }[];
      };
      const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<AxeResult> } })
        .axe;
      const context = exclude.length ? { include: [document], exclude: exclude.map((s) => [s]) } : document;
      const result = await axe.run(context, {
        runOnly: { type: "tag", values: tags },
        resultTypes: ["violations"],
      });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.length,
        targets: v.nodes.slice(0, 3).map((n) => n.target.map(String).join(" ")),
      }));
    },
    { tags: AXE_TAGS, exclude: options.exclude ?? [] },
  );
  if (violations.length > 0) throw new Error(formatAxeViolations(label, violations));
}
