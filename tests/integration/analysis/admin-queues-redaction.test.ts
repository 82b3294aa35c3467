/**
 * /admin/queues shows what an admin needs to diagnose a failed job (queue, name, id, attempts, times, the
 * error and its stack, the ids in its payload) but none of the personal data or secrets a payload or an
 * error carries: a failed e-mail job's address, name, texts and link stay off the page (HTML and loader
 * data alike), replaced by a marker.
 */
import { Queue, Worker, type Job } from "bullmq";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultJobOptions, jobIdForKey, redisConnection } from "~/jobs/queues.server.ts";
import { newId } from "~/utils/ids.ts";
import { useTestDatabase } from "../../helpers/db.ts";
import { expectNoAxeViolations, hydrated, signedInPage, useBrowser } from "../../helpers/browser.ts";
import { createSessionToken, createUser } from "../../helpers/factories.ts";
import { httpClient } from "../../helpers/http.ts";
import { createRedis, useTestRedis } from "../../helpers/redis.ts";
import { startApp, type RunningApp } from "../../helpers/server.ts";

const testDb = useTestDatabase();
const testRedis = useTestRedis();
const browser = useBrowser();

let app: RunningApp;
const queues: Queue[] = [];
const workers: Worker[] = [];
const connections: Redis[] = [];
const connect = (worker = false) => {
  const redis = worker ? redisConnection({ worker: true, url: testRedis.url }) : createRedis();
  connections.push(redis);
  return redis;
};

beforeAll(async () => {
  app = await startApp({ databaseUrl: testDb().url });
}, 120_000);

afterAll(async () => {
  await Promise.all([...workers, ...queues].map((q) => q.close()));
  for (const redis of connections) redis.disconnect();
  await app?.stop();
});

const http = httpClient(
  () => app.url,
  () => testDb().prisma,
);

async function adminPage(): Promise<string> {
  const res = await http.get("/admin/queues", await http.signedIn(["citizen", "admin"]));
  expect(res.status).toBe(200);
  return res.text();
}

/**
 * Adds a job and fails it at its only attempt, as a worker would (fetched with a lock, then moved to
 * failed with the error), without running any of our processors.
 */
async function failJob(queueName: string, name: string, data: object, jobId: string, error: Error) {
  const queue = new Queue(queueName, {
    connection: connect(),
    prefix: testRedis.prefix,
    defaultJobOptions,
  });
  queues.push(queue);
  await queue.add(name, data, { jobId, attempts: 1 });
  const worker = new Worker(queueName, null, {
    connection: connect(true),
    prefix: testRedis.prefix,
  });
  workers.push(worker);
  const token = newId();
  const job = (await worker.getNextJob(token)) as Job;
  expect(job.id).toBe(jobId);
  await job.moveToFailed(error, token, false);
  expect(await queue.getJobState(jobId)).toBe("failed");
}

describe("/admin/queues redacts failed jobs", () => {
  it("shows a failed e-mail's id, template and error, but not its address, name, texts, link or secrets", async () => {
    const address = "maria.papadopoulou@example.gr";
    const name = "Μαρία Παπαδοπούλου";
    const body = "Η συμμετοχή σας περιείχε τον αριθμό τηλεφώνου σας 6912345678.";
    const link = "http://synochi.test/appeal?token=Zr4nd0mT0k3nV4lu3";
    const mailJobId = jobIdForKey(`mail:moderation-${newId()}`);
    const error = new Error(
      `Greeting never received from mail relay while sending to ${address} (smtp://synochi:SmtpPassw0rd@mail.test:587)`,
    );
    await failJob(
      "mail",
      "send",
      {
        to: address,
        locale: "el",
        template: "moderation_notice",
        params: {
          displayName: name,
          summary: "Η συμμετοχή σας «Κέντρο ημέρας» αποκρύφτηκε.",
          reason: "Προσωπικά δεδομένα",
          message: body,
          url: link,
        },
      },
      mailJobId,
      error,
    );
    const submissionId = newId();
    const notifyJobId = jobIdForKey(`notify:submission-status:${submissionId}:${newId()}`);
    await failJob(
      "notify",
      "submission.status",
      { submissionId, status: "hidden" },
      notifyJobId,
      new Error(`Submission ${submissionId} vanished`),
    );

    const html = await adminPage();
    // Diagnosable: which job, which template, the error and the ids of the payload.
    expect(html).toContain(`data-job-id="${mailJobId}"`);
    expect(html).toContain("Greeting never received from mail relay while sending to");
    expect(html).toContain("moderation_notice");
    expect(html).toContain(`data-job-id="${notifyJobId}"`);
    expect(html).toContain(`Submission ${submissionId} vanished`);
    expect(html).toMatch(new RegExp(`<code>submissionId</code> <code>${submissionId}</code>`));
    expect(html).toMatch(/\[(αποκρύπτεται|hidden)\]/);
    // The stack trace is there (its frames name this file).
    expect(html).toContain("admin-queues-redaction.test.ts");
    // Nothing personal or secret, in the markup or the loader data it carries.
    for (const secret of [
      address,
      "papadopoulou",
      name,
      "Παπαδοπούλου",
      body,
      "6912345678",
      "Κέντρο ημέρας",
      "Zr4nd0mT0k3nV4lu3",
      "SmtpPassw0rd",
    ]) {
      expect(html).not.toContain(secret);
    }

    // The dashboard with failed jobs, markers and an open stack trace is accessible, in Greek and English.
    const { id } = await createUser(testDb().prisma, { roles: ["citizen", "admin"] });
    const sessionToken = await createSessionToken(testDb().prisma, id);
    for (const lang of ["el", "en"] as const) {
      const page = await signedInPage(browser(), app.url, { locale: lang, sessionToken, lang });
      await page.goto("/admin/queues");
      await hydrated(page);
      await page.locator(`[data-job-id="${mailJobId}"] summary`).click();
      await expectNoAxeViolations(page, `/admin/queues (${lang}) with failed jobs`);
      await page.context().close();
    }
  }, 90_000);
});
