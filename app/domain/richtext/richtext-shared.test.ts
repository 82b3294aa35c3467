import { describe, expect, it } from "vitest";
import {
  countChars,
  countTextChars,
  linkHrefFromInput,
  parseDocLoosely,
  richTextToPlainText,
  safeHref,
  textToDoc,
} from "./richtext.ts";
import { xssUrlPayloads } from "./xss-payloads.ts";

describe("linkHrefFromInput (the editor's link box)", () => {
  it.each([
    ["https://www.ypes.gr/a?b=1#c", "https://www.ypes.gr/a?b=1#c"],
    ["  http://example.gr  ", "http://example.gr/"],
    ["example.gr", "https://example.gr/"],
    ["sub.example.gr:8443/path?q=1", "https://sub.example.gr:8443/path?q=1"],
    ["name@example.gr", "mailto:name@example.gr"],
    ["mailto:name@example.gr", "mailto:name@example.gr"],
    ["MAILTO:name@example.gr?subject=Γεια", "mailto:name@example.gr?subject=%CE%93%CE%B5%CE%B9%CE%B1"],
  ])("accepts %j as %j", (input, href) => {
    expect(linkHrefFromInput(input)).toBe(href);
  });

  it("accepts Greek domain names, in their ASCII form", () => {
    expect(linkHrefFromInput("www.περιφέρεια.gr/σελίδα")).toMatch(
      /^https:\/\/www\.xn--[a-z0-9-]+\.gr\/%CF%83%CE%B5%CE%BB%CE%AF%CE%B4%CE%B1$/,
    );
  });

  it.each([
    "",
    "   ",
    "javascript:alert(1)",
    "data:text/html,x",
    "vbscript:x",
    "ftp://example.gr",
    "tel:2101234567",
    "//example.gr",
    "/relative",
    "\\\\server\\share",
    "https:example.gr",
    "http://",
    "mailto:",
    "localhost",
    "not a link",
    "example",
    "192.168",
    "https://exa mple.gr",
    `https://example.gr/${"a".repeat(2100)}`,
  ])("refuses %j", (input) => {
    expect(linkHrefFromInput(input)).toBeUndefined();
  });

  it("never accepts a scripting or document scheme from the XSS corpus", () => {
    for (const payload of xssUrlPayloads) {
      const href = linkHrefFromInput(payload);
      if (href !== undefined) expect(href, payload).toMatch(/^(https?:\/\/[^/\s]|mailto:)/);
    }
  });

  it("gives only hrefs the server's safeHref keeps unchanged", () => {
    for (const input of ["example.gr", "name@example.gr", "https://a.gr/x y", "mailto:a@b.gr?body=<x>"]) {
      const href = linkHrefFromInput(input);
      if (href) expect(safeHref(href)).toBe(href);
    }
  });
});

describe("safeHref", () => {
  it("percent-encodes what could read as markup even where the URL parser leaves it", () => {
    expect(safeHref('mailto:"><svg onload=alert(1)>@example.org')).toBe(
      "mailto:%22%3E%3Csvg%20onload=alert(1)%3E@example.org",
    );
    expect(safeHref("https://example.org/it's")).toBe("https://example.org/it%27s");
  });
});

describe("countChars", () => {
  it("counts code points of text nodes only", () => {
    expect(countTextChars("αβγ")).toBe(3);
    expect(countTextChars("😀👍")).toBe(2);
    expect(countTextChars("\ud800x")).toBe(2);
    expect(countChars(textToDoc("Ένα\nδύο\n\nτρία"))).toBe(10);
    expect(countChars({ type: "doc", content: [{ type: "paragraph" }] })).toBe(0);
  });
});

describe("richTextToPlainText (the no-JavaScript textarea's content)", () => {
  const json = JSON.stringify({
    type: "doc",
    content: [
      { type: "heading", attrs: { level: 2 }, content: [{ type: "text", text: "Τίτλος" }] },
      { type: "paragraph", content: [{ type: "text", text: "Κείμενο", marks: [{ type: "bold" }] }] },
    ],
  });

  it("turns an editor document into paragraphs of text", () => {
    expect(richTextToPlainText(json, "json")).toBe("Τίτλος\n\nΚείμενο");
    expect(richTextToPlainText(json)).toBe("Τίτλος\n\nΚείμενο");
  });

  it("keeps plain text as it is, even when it looks like JSON", () => {
    expect(richTextToPlainText("απλό <b>κείμενο</b>", "text")).toBe("απλό <b>κείμενο</b>");
    expect(richTextToPlainText(json, "text")).toBe(json);
    expect(richTextToPlainText('{"not":"a doc"}')).toBe('{"not":"a doc"}');
  });

  it("shows nothing for broken JSON that claimed to be JSON, and nothing for nothing", () => {
    expect(richTextToPlainText("{broken", "json")).toBe("");
    expect(richTextToPlainText(undefined)).toBe("");
  });

  it("parseDocLoosely accepts only doc-shaped JSON", () => {
    expect(parseDocLoosely(json)?.type).toBe("doc");
    expect(parseDocLoosely("[]")).toBeUndefined();
    expect(parseDocLoosely('{"type":"doc"}')).toBeUndefined();
    expect(parseDocLoosely("text")).toBeUndefined();
  });
});
