import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { useTestDatabase } from "../../helpers/db.ts";
import { findLink, isAddressedTo, readMailbox, waitForMail } from "../../helpers/mail.ts";
import { useTestRedis } from "../../helpers/redis.ts";
import { startApp, startWorker } from "../../helpers/server.ts";

describe("app and worker processes", () => {
  const db = useTestDatabase();
  useTestRedis();

  it("starts the real app on a free port, answers /healthz, and stops it", async () => {
    const app = await startApp({ databaseUrl: db().url });
    try {
      expect(app.url).toBe(`http://127.0.0.1:${app.port}`);
      const res = await fetch(`${app.url}/healthz`);
      expect(res.status).toBe(200);
    } finally {
      await app.stop();
    }
    await expect(fetch(`${app.url}/healthz`)).rejects.toThrow();
  });

  it("starts the worker, waits for 'worker ready', and stops it", async () => {
    const worker = await startWorker({ databaseUrl: db().url });
    await worker.stop();
    expect(worker.output()).toMatch(/worker ready/i);
  });

  it("reports the app's stderr when it cannot start", async () => {
    await expect(startApp({ databaseUrl: "not-a-url", timeoutMs: 15_000 })).rejects.toThrow(/DATABASE_URL/);
  });
});

describe("mail helper", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "synochi-mail-test-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads sink files in order and waits for a matching one", async () => {
    const write = (name: string, to: string, subject: string, text: string) =>
      writeFileSync(
        path.join(dir, name),
        JSON.stringify({
          to,
          from: "no-reply@synochi.localhost",
          subject,
          text,
          html: "",
          date: new Date().toISOString(),
        }),
      );
    write(
      "1700000000000-a.json",
      "maria@example.org",
      "Καλώς ήρθατε",
      "Επιβεβαίωση: http://127.0.0.1:3000/verify?token=abc",
    );
    writeFileSync(path.join(dir, "1700000000001-partial.json"), '{"to": "half'); // being written
    expect(readMailbox(dir).map((m) => m.subject)).toEqual(["Καλώς ήρθατε"]);

    const waiting = waitForMail(dir, (m) => isAddressedTo(m, "Nikos@Example.org"), 5_000);
    setTimeout(
      () => write("1700000000002-b.json", "Νίκος <nikos@example.org>", "Reset", "https://x.test/reset?t=1"),
      200,
    );
    const message = await waiting;
    expect(message.subject).toBe("Reset");
    expect(findLink(message, "/reset")).toBe("https://x.test/reset?t=1");
    expect(findLink(readMailbox(dir)[0], "verify")).toBe("http://127.0.0.1:3000/verify?token=abc");

    await expect(waitForMail(dir, (m) => m.subject === "never", 300)).rejects.toThrow(
      /2 message\(s\) arrived/,
    );
  });
});
