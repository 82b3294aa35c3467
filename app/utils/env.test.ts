import { describe, expect, it } from "vitest";
import { parseEnv } from "./env.server.ts";

const base = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/x", REDIS_URL: "redis://127.0.0.1:6379" };

describe("parseEnv", () => {
  it("reports every problem on its own line", () => {
    let message = "";
    try {
      parseEnv({ PORT: "not-a-number", REDIS_URL: "http://wrong" });
    } catch (error) {
      message = (error as Error).message;
    }
    const lines = message.split("\n").filter((l) => l.startsWith("  - "));
    expect(lines.some((l) => l.includes("DATABASE_URL") && l.includes("required"))).toBe(true);
    expect(lines.some((l) => l.includes("REDIS_URL") && l.includes("redis://"))).toBe(true);
    expect(lines.some((l) => l.includes("PORT"))).toBe(true);
    expect(lines).toHaveLength(3);
  });

  it("requires SMTP in production unless the mail sink is allowed", () => {
    expect(() => parseEnv({ ...base, NODE_ENV: "production" })).toThrow(/SMTP_URL is required in production/);
    expect(parseEnv({ ...base, NODE_ENV: "production", ALLOW_MAIL_SINK: "true" }).ALLOW_MAIL_SINK).toBe(true);
  });

  it("makes cookies Secure in production and not in development by default", () => {
    expect(parseEnv({ ...base, NODE_ENV: "production", SMTP_URL: "smtp://localhost:25" }).COOKIE_SECURE).toBe(
      true,
    );
    expect(parseEnv({ ...base }).COOKIE_SECURE).toBe(false);
    expect(parseEnv({ ...base, PORT: "4000" }).APP_URL).toBe("http://localhost:4000");
  });
});
