import { describe, expect, it } from "vitest";
import { redactJobPayload, redactText } from "./redact.ts";

const ID = "0b7c6a52-6f3e-4a55-9c8e-1d2f3a4b5c6d";

describe("redactJobPayload", () => {
  it("shows a mail job's template and locale but hides the address, the name, the texts and the link", () => {
    const { fields, more } = redactJobPayload({
      to: "maria@example.gr",
      locale: "el",
      template: "moderation_notice",
      params: {
        displayName: "Μαρία Π.",
        summary: "Η συμμετοχή σας αποκρύφτηκε.",
        reason: "Προσβλητικό",
        message: "Παραβίαση του κανόνα 3.",
        url: "http://synochi.test/submissions/x?token=abc",
      },
    });
    expect(fields).toEqual([
      { path: "to", redacted: true },
      { path: "locale", value: "el" },
      { path: "template", value: "moderation_notice" },
      { path: "params.displayName", redacted: true },
      { path: "params.summary", redacted: true },
      { path: "params.reason", redacted: true },
      { path: "params.message", redacted: true },
      { path: "params.url", redacted: true },
    ]);
    expect(more).toBe(0);
    expect(JSON.stringify(fields)).not.toMatch(/maria|Μαρία|κανόνα|token/);
  });

  it("shows ids, versions, counts and statuses, also in lists", () => {
    const { fields } = redactJobPayload({
      submissionId: ID,
      version: 3,
      count: 50,
      status: "hidden",
      submissionIds: [ID],
    });
    expect(fields).toEqual([
      { path: "submissionId", value: ID },
      { path: "version", value: 3 },
      { path: "count", value: 50 },
      { path: "status", value: "hidden" },
      { path: "submissionIds[0]", value: ID },
    ]);
  });

  it("hides free text under an allowed key, and anything not a plain value", () => {
    const { fields } = redactJobPayload({
      status: "η Μαρία ζήτησε",
      commentId: "a b c",
      token: "s3cr3t",
      reason: "admin",
    });
    expect(fields.every((f) => "redacted" in f)).toBe(true);
    expect(redactJobPayload("maria@example.gr").fields).toEqual([{ path: "(payload)", redacted: true }]);
    expect(redactJobPayload({}).fields).toEqual([]);
  });

  it("lists at most the given number of fields and counts the rest", () => {
    const items = Array.from({ length: 10 }, (_, i) => ({ text: `line ${i}`, url: "http://x.test/" }));
    const { fields, more } = redactJobPayload({ items }, 5);
    expect(fields).toHaveLength(5);
    expect(more).toBe(15);
  });
});

describe("redactText", () => {
  it("cuts e-mail addresses, service URLs and credentials out of an error, keeping the rest", () => {
    expect(
      redactText("550 5.1.1 <maria@example.gr>: Recipient address rejected (smtp://user:pw@mail.test:587)"),
    ).toEqual(["550 5.1.1 <", null, ">: Recipient address rejected (", null, ")"]);
    expect(redactText("bad token=abcdef; retry")).toEqual(["bad ", null, "; retry"]);
    expect(redactText(`Submission ${ID} is at version 1`)).toEqual([`Submission ${ID} is at version 1`]);
  });

  it("leaves stack frames and package versions alone", () => {
    const stack = [
      "Error: boom",
      "    at send (file:///work/main/workers/mail.ts:10:5)",
      "    at node_modules/@prisma/client/runtime/library.js:1:2",
      "    at bullmq@6.7.0/dist/worker.js:3:4",
    ].join("\n");
    expect(redactText(stack)).toEqual([stack]);
  });

  it("shortens after redacting, so an address is never shown in part", () => {
    expect(redactText("to maria@example.gr failed", 5)).toEqual(["to ", null, " f"]);
  });

  it("makes one marker of overlapping cuts", () => {
    expect(redactText("see https://x.test/?u=maria@example.gr now")).toEqual(["see ", null, " now"]);
  });
});
