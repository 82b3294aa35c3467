import { describe, expect, it } from "vitest";
import { MAIL_LOCALES, MAIL_TEMPLATES, parseJobPayload, type SendMailPayload } from "~/jobs/queues.server.ts";
import { renderMail } from "./mail.ts";

const sampleParams: Record<string, Record<string, unknown>> = {
  verify_email: { displayName: "Νίκος", url: "https://synochi.example/verify-email?token=abc" },
  reset_password: { displayName: "Νίκος", url: "https://synochi.example/password/reset?token=abc" },
  register_existing: {
    loginUrl: "https://synochi.example/login",
    resetUrl: "https://synochi.example/password/forgot",
  },
  password_changed: { displayName: "Νίκος" },
  account_erased: {},
  digest: {
    displayName: "Νίκος",
    count: "2",
    items: [
      { text: "Η Μαρία απάντησε στο σχόλιό σας", url: "https://synochi.example/submissions/1#comment-2" },
      { text: "Ο Γιώργος σχολίασε την υποβολή σας", url: "https://synochi.example/submissions/1#comment-3" },
    ],
    url: "https://synochi.example/notifications",
  },
  moderation_notice: {
    displayName: "Νίκος",
    summary: "Η συμμετοχή σας «Κέντρο ημέρας» αποκρύφθηκε.",
    reason: "Προσβλητικός λόγος",
    message: "Παραβίαση του κανόνα 3.",
    url: "https://synochi.example/submissions/1",
  },
  session_reminder: {
    displayName: "Νίκος",
    title: "Συνεδρίαση για τη στέγαση",
    committee: "Περιφερειακή Επιτροπή Διαβούλευσης",
    when: "1 Δεκεμβρίου 2026 στις 6:00 μ.μ.",
    mode: "Δια ζώσης και διαδικτυακά",
    where: "Αίθουσα Β",
    url: "https://synochi.example/sessions/1",
    icsUrl: "https://synochi.example/sessions/1.ics",
  },
  urgent_alert: {
    displayName: "Νίκος",
    title: "Μένουμε χωρίς θέρμανση",
    consultation: "Στέγαση 2027",
    confidence: "92%",
    url: "https://synochi.example/submissions/1",
    alertsUrl: "https://synochi.example/alerts",
  },
};

function payload(template: string, locale: string, params = sampleParams[template]): SendMailPayload {
  return parseJobPayload("mail", "send", { to: "a@example.org", template, locale, params });
}

describe("renderMail", () => {
  for (const template of MAIL_TEMPLATES) {
    for (const locale of MAIL_LOCALES) {
      it(`renders ${template} in ${locale} with every placeholder filled`, () => {
        const mail = renderMail(payload(template, locale));
        expect(mail.subject.length).toBeGreaterThan(5);
        for (const part of [mail.subject, mail.text, mail.html]) expect(part).not.toMatch(/\{\w+\}/);
        for (const value of Object.values(sampleParams[template])) {
          if (typeof value === "string") expect(mail.text).toContain(value);
        }
        expect(mail.html).toContain(`<html lang="${locale}">`);
      });
    }
  }

  it("writes Greek for el and English for en", () => {
    expect(renderMail(payload("password_changed", "el")).subject).toMatch(/κωδικός/);
    expect(renderMail(payload("password_changed", "en")).subject).toMatch(/password/);
  });

  it("escapes parameters in the HTML but not in the plain text", () => {
    const mail = renderMail(
      payload("verify_email", "el", {
        displayName: `<img src=x onerror="alert(1)">`,
        url: "https://a.example/?a=1&b=<2>",
      }),
    );
    expect(mail.html).not.toContain("<img");
    expect(mail.html).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(mail.html).toContain('href="https://a.example/?a=1&amp;b=&lt;2&gt;"');
    expect(mail.text).toContain(`<img src=x onerror="alert(1)">`);
  });

  it("refuses links that are not http(s)", () => {
    expect(() => payload("verify_email", "el", { displayName: "x", url: "javascript:alert(1)" })).toThrow(
      /Invalid payload/,
    );
  });
});
