// One Node process serves the Remix app and Socket.io on one port.
import { createRequestHandler } from "@remix-run/express";
import { broadcastDevReady, installGlobals, type ServerBuild } from "@remix-run/node";
import express from "express";
import { createServer } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRealtimeServer } from "~/realtime/server.ts";
import { newCsrfCookie, readCsrfCookie } from "~/utils/csrf.server.ts";
import { getDb } from "~/utils/db.server.ts";
import { getEnv, type Env } from "~/utils/env.server.ts";
import { getRedis } from "~/utils/redis.server.ts";

let env: Env;
try {
  env = getEnv();
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}

installGlobals({ nativeFetch: true });

const BUILD_PATH = path.resolve("build/index.js");
const isDev = env.NODE_ENV === "development";

async function loadBuild(): Promise<ServerBuild> {
  const url = pathToFileURL(BUILD_PATH).href;
  return (await import(isDev ? `${url}?t=${Date.now()}` : url)) as ServerBuild;
}

const app = express();
app.disable("x-powered-by");
if (env.TRUST_PROXY) app.set("trust proxy", true);

app.use((_req, res, next) => {
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Referrer-Policy", "same-origin");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
  if (env.COOKIE_SECURE) res.setHeader("Strict-Transport-Security", "max-age=31536000");
  next();
});

app.get("/healthz", async (_req, res) => {
  try {
    await getDb().$queryRaw`SELECT 1`;
    res.type("text/plain").send("ok");
  } catch {
    res.status(503).type("text/plain").send("database unavailable");
  }
});

app.use("/build", express.static("public/build", { immutable: true, maxAge: "1y" }));
// Other public files (favicon, robots.txt) all have an extension; page URLs never do, so they skip the
// file-system lookup.
const publicFiles = express.static("public", { maxAge: "1h" });
app.use((req, res, next) => (/\.[A-Za-z0-9]+$/.test(req.path) ? publicFiles(req, res, next) : next()));

// Every visitor gets a CSRF cookie; forms repeat its value (see app/utils/csrf.server.ts).
app.use((req, res, next) => {
  let token = readCsrfCookie(req.headers.cookie);
  if (!token) {
    const fresh = newCsrfCookie();
    token = fresh.token;
    res.append("Set-Cookie", fresh.setCookie);
  }
  res.locals.csrfToken = token;
  next();
});

// Mutations must come from our own pages: browsers send Origin on every POST.
app.use((req, res, next) => {
  if (["GET", "HEAD", "OPTIONS"].includes(req.method)) return next();
  const origin = req.headers.origin;
  const fetchSite = req.headers["sec-fetch-site"];
  let sameOrigin = true;
  if (origin) {
    try {
      sameOrigin = new URL(origin).host === req.headers.host;
    } catch {
      sameOrigin = false;
    }
  }
  if (!sameOrigin || fetchSite === "cross-site") {
    res.status(403).type("text/plain").send("Cross-origin request refused");
    return;
  }
  next();
});

let build = await loadBuild();

// One handler for the process; in development the watcher below swaps `build` after each rebuild.
app.all(
  "*",
  createRequestHandler({
    build: isDev ? async () => build : build,
    mode: isDev ? "development" : "production",
    getLoadContext: (req, res) => ({
      csrfToken: res.locals.csrfToken as string,
      clientIp: req.ip ?? "unknown",
    }),
  }),
);

// The request-time Redis connection refuses commands until it is ready (no offline queue, by design), so
// open it before taking requests: made lazily, it failed the first rate-limited request after a start.
const redis = getRedis();
if (redis.status !== "ready") {
  const ready = await new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off("ready", onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), 5_000);
    redis.once("ready", onReady);
  });
  if (!ready) console.warn("Redis is not ready yet; requests that need it fail until it is.");
}

const httpServer = createServer(app);
const realtime = createRealtimeServer(httpServer);

httpServer.listen(env.PORT, env.HOST, () => {
  console.log(`Synochi listening on http://localhost:${env.PORT}`);
  if (isDev) void broadcastDevReady(build);
});

if (isDev) {
  // `remix dev` rebuilds and pings us; load the new build once and serve it from then on.
  const { watch } = await import("node:fs");
  watch(path.dirname(BUILD_PATH), { persistent: false }, async () => {
    build = await loadBuild();
    void broadcastDevReady(build);
  });
}

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing`);
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await realtime.close().catch(() => {});
  await getDb()
    .$disconnect()
    .catch(() => {});
  getRedis().disconnect();
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
