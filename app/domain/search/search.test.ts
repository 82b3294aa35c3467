import { describe, expect, it } from "vitest";
import { parseSearchParams, similarParamsSchema } from "./search.schema.ts";
import { highlightToHtml, MAX_QUERY_WORDS, parseQuery } from "./search.server.ts";

describe("parseQuery", () => {
  it("ANDs normalised words, drops stop words and matches the last word as typed as a prefix", () => {
    expect(parseQuery("Στέγαση και Πάτρα")).toEqual({
      rest: "στεγαση",
      last: "πατρα",
      prefix: "πατρα:*",
      words: ["στεγαση", "πατρα"],
      greeklish: null,
    });
  });

  it("no prefix after a space or for a word shorter than 3 letters", () => {
    expect(parseQuery("στέγαση ")?.prefix).toBeNull();
    expect(parseQuery("στέγαση ΑΒ")?.prefix).toBeNull();
  });

  it("searches a Greeklish word as typed and in its likeliest Greek readings", () => {
    const parsed = parseQuery("stegasi");
    expect(parsed?.last).toBe("(stegasi | στεγαση | στεγασι | στεγασει | σταιγαση)");
    expect(parsed?.greeklish).toBe("στεγαση");
  });

  it("keeps only letters and digits, so nothing typed acts as tsquery syntax", () => {
    for (const q of ["a & b | !c", "'):* <-> (x", "στέγαση:*", "\\\\ ' \" ;"]) {
      const parsed = parseQuery(q);
      for (const part of [parsed?.rest, parsed?.last, parsed?.prefix]) {
        if (part) expect(part).toMatch(/^[\p{L}\p{N} ()|&:*]+$/u);
      }
      expect(`${parsed?.rest ?? ""}${parsed?.last ?? ""}`).not.toMatch(/[!<>'\\]/);
    }
  });

  it("searches stop words when there is nothing else, and nothing without words", () => {
    expect(parseQuery("και")?.words).toEqual(["και"]);
    expect(parseQuery(" ;;; ")).toBeNull();
  });

  it("uses at most MAX_QUERY_WORDS words", () => {
    const parsed = parseQuery(Array.from({ length: 30 }, (_, i) => `λέξη${i}`).join(" "));
    expect(parsed?.words).toHaveLength(MAX_QUERY_WORDS);
  });
});

describe("highlightToHtml", () => {
  it("escapes everything and turns marker pairs into <mark>", () => {
    expect(highlightToHtml(`a &lt;b&gt; \uE000λέξη\uE001 "c" & d`)).toBe(
      "a &lt;b&gt; <mark>λέξη</mark> &quot;c&quot; &amp; d",
    );
  });

  it("decodes entities once only and drops stray markers", () => {
    expect(highlightToHtml("&amp;lt;script&amp;gt; \uE000x \uE001\uE001 &#60;&#x3e;")).toBe(
      "&amp;lt;script&amp;gt; <mark>x </mark> &lt;&gt;",
    );
    expect(highlightToHtml("\uE000<img src=x onerror=alert(1)>")).toBe("&lt;img src=x onerror=alert(1)&gt;");
  });
});

describe("parseSearchParams", () => {
  const parse = (qs: string) => parseSearchParams(new URLSearchParams(qs));

  it("reads q, type and page with defaults", () => {
    expect(parse("")).toEqual({ ok: true, value: { q: "", type: "all", page: 1 } });
    expect(parse("q=%20στέγαση%20&type=comment&page=3")).toEqual({
      ok: true,
      value: { q: "στέγαση", type: "comment", page: 3 },
    });
  });

  it("names what is wrong and keeps what can be echoed", () => {
    expect(parse(`q=${"α".repeat(201)}&type=comment`)).toEqual({
      ok: false,
      errorKey: "search.errors.tooLong",
      value: { q: "α".repeat(200), type: "comment", page: 1 },
    });
    expect(parse("q=x&type=users")).toMatchObject({ ok: false, errorKey: "search.errors.invalidType" });
    for (const page of ["0", "-1", "1.5", "abc", "101"]) {
      expect(parse(`q=x&page=${page}`)).toMatchObject({ ok: false, errorKey: "search.errors.invalidPage" });
    }
  });
});

describe("similarParamsSchema", () => {
  it("wants a consultation id and a title", () => {
    const id = "2b1c5f0e-8a7d-4c3b-9e2f-1a2b3c4d5e6f";
    expect(similarParamsSchema.safeParse({ consultation: id, q: " Στέγαση " }).data).toEqual({
      consultation: id,
      q: "Στέγαση",
    });
    const message = (input: Record<string, string>) =>
      similarParamsSchema.safeParse(input).error?.issues[0]?.message;
    expect(message({ q: "x" })).toBe("search.errors.invalidConsultation");
    expect(message({ consultation: "1 OR 1=1", q: "x" })).toBe("search.errors.invalidConsultation");
    expect(message({ consultation: id })).toBe("search.errors.queryRequired");
    expect(message({ consultation: id, q: "x", exclude: "nope" })).toBe("search.errors.invalidExclude");
  });
});
