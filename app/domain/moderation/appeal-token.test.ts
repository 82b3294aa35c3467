import { describe, expect, it } from "vitest";
import { Invalid, NotFound } from "~/utils/errors.server.ts";
import { APPEAL_LINK_DAYS, appealToken, verifyAppealToken } from "./moderation.server.ts";

const secret = "a".repeat(43);
const actionId = "0b5c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d";

describe("signed appeal links", () => {
  it("verifies its own token and returns the action", () => {
    expect(verifyAppealToken(appealToken(actionId, secret), secret)).toBe(actionId);
  });

  it("refuses a token signed with another key, altered, or for another action", () => {
    const token = appealToken(actionId, secret);
    expect(() => verifyAppealToken(token, "b".repeat(43))).toThrow(NotFound);
    const last = token.at(-1) === "A" ? "B" : "A";
    expect(() => verifyAppealToken(`${token.slice(0, -1)}${last}`, secret)).toThrow(NotFound);
    expect(() => verifyAppealToken(`1${token.slice(1)}`, secret)).toThrow(NotFound);
    // A later expiry under the old signature.
    const [id, exp, sig] = token.split(".");
    expect(() => verifyAppealToken(`${id}.${Number(exp) + 1}.${sig}`, secret)).toThrow(NotFound);
    for (const garbled of ["", "x", `${token}.`, token.replace(/\./g, "")])
      expect(() => verifyAppealToken(garbled, secret)).toThrow(NotFound);
  });

  it("expires after the link's days", () => {
    const now = Date.UTC(2026, 0, 1);
    const token = appealToken(actionId, secret, now);
    expect(verifyAppealToken(token, secret, now + (APPEAL_LINK_DAYS * 86_400 - 1) * 1000)).toBe(actionId);
    const error = (() => {
      try {
        verifyAppealToken(token, secret, now + APPEAL_LINK_DAYS * 86_400_000);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(Invalid);
    expect((error as Invalid).messageKey).toBe("moderation.errors.appealLinkExpired");
  });
});
