/**
 * Load generation from the client side, over keep-alive connections as a browser would reuse them.
 *
 * - openLoop: Poisson arrivals at a fixed rate, scheduled on an absolute timeline, so a slow server does not
 *   lower the offered load; latency is measured from the scheduled arrival (no coordinated omission).
 * - closedLoop: N connections firing back to back, only to find the saturation throughput.
 */
import http from "node:http";

export interface Page {
  name: string;
  /** The paths to rotate through (e.g. the 20 consultations). */
  paths: string[];
  /** Relative share in the open-loop mix. */
  weight: number;
}

export interface Client {
  base: URL;
  agent: http.Agent;
  headers: Record<string, string>;
  /** A browser's cookie jar (one visitor): every Set-Cookie is kept and sent back. */
  cookies: Map<string, string>;
}

export interface Result {
  status: number;
  bytes: number;
  error?: string;
}

const BROWSER_HEADERS = {
  // A browser's navigation request (isbot() must not take us for a crawler).
  "User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 synochi-bench",
  Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
  "Accept-Language": "el-GR,el;q=0.9,en;q=0.5",
};

export function createClient(baseUrl: string, maxSockets: number): Client {
  return {
    base: new URL(baseUrl),
    agent: new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
    headers: { ...BROWSER_HEADERS },
    cookies: new Map(),
  };
}

function keepCookies(client: Client, setCookies: string[] | undefined): void {
  if (!setCookies || setCookies.length === 0) return;
  for (const c of setCookies) {
    const pair = c.split(";")[0];
    const eq = pair.indexOf("=");
    if (eq > 0) client.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  client.headers.Cookie = [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}

export function request(client: Client, path: string, timeoutMs = 30_000): Promise<Result> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: Result) => {
      if (!settled) {
        settled = true;
        resolve(r);
      }
    };
    const req = http.request(
      {
        host: client.base.hostname,
        port: client.base.port,
        path,
        method: "GET",
        agent: client.agent,
        headers: client.headers,
        timeout: timeoutMs,
      },
      (res) => {
        keepCookies(client, res.headers["set-cookie"]);
        let bytes = 0;
        res.on("data", (chunk: Buffer) => (bytes += chunk.length));
        res.on("end", () => done({ status: res.statusCode ?? 0, bytes }));
        res.on("error", (error) => done({ status: 0, bytes, error: error.message }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on("error", (error) => done({ status: 0, bytes: 0, error: error.message }));
    req.end();
  });
}

/** Fetches `path` once to get the cookies every visitor gets (the CSRF cookie), like a browser's first visit. */
export async function acceptCookies(client: Client, path = "/"): Promise<void> {
  const r = await request(client, path);
  if (r.error) throw new Error(`GET ${path}: ${r.error}`);
}

/** Deterministic pseudo-random numbers (mulberry32), so two runs offer the same sequence. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface PageStats {
  count: number;
  errors: number;
  /** Latencies of the successful requests, in ms. */
  latencies: number[];
  bytes: number;
  /** A few error descriptions (status or message), for the report. */
  errorSamples: string[];
}

function emptyStats(): PageStats {
  return { count: 0, errors: 0, latencies: [], bytes: 0, errorSamples: [] };
}

function record(stats: PageStats, result: Result, ms: number): void {
  stats.count++;
  if (result.error || result.status < 200 || result.status >= 300) {
    stats.errors++;
    if (stats.errorSamples.length < 5) stats.errorSamples.push(result.error ?? `HTTP ${result.status}`);
    return;
  }
  stats.latencies.push(ms);
  stats.bytes += result.bytes;
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1];
}

export interface OpenLoopResult {
  pages: Record<string, PageStats>;
  offered: number;
  /** Arrivals per second actually scheduled (close to the rate asked for). */
  offeredRps: number;
  /** Seconds after the last arrival until the last response: the backlog the server had to work off. */
  drainS: number;
  /** How late the scheduler fired requests (the client's own lag), ms. */
  maxLagMs: number;
  p99LagMs: number;
}

/**
 * Poisson arrivals at `rate` per second for `durationS`, each picking a page by weight and the next of its
 * paths. Resolves when every request sent has finished.
 */
export async function openLoop(
  client: Client,
  pages: Page[],
  opts: { rate: number; durationS: number; seed: number },
): Promise<OpenLoopResult> {
  const random = prng(opts.seed);
  const totalWeight = pages.reduce((n, p) => n + p.weight, 0);
  const pick = (): Page => {
    let r = random() * totalWeight;
    for (const p of pages) {
      r -= p.weight;
      if (r < 0) return p;
    }
    return pages[pages.length - 1];
  };
  // The whole timeline up front: exponential inter-arrival times.
  const arrivals: Array<{ at: number; page: Page; path: string }> = [];
  const next = new Map<string, number>();
  for (let t = 0; ;) {
    t += (-Math.log(1 - random()) / opts.rate) * 1000;
    if (t >= opts.durationS * 1000) break;
    const page = pick();
    const i = next.get(page.name) ?? 0;
    next.set(page.name, i + 1);
    arrivals.push({ at: t, page, path: page.paths[i % page.paths.length] });
  }

  const stats: Record<string, PageStats> = Object.fromEntries(pages.map((p) => [p.name, emptyStats()]));
  const lags: number[] = [];
  const inflight: Promise<void>[] = [];
  const start = performance.now() + 20;
  let i = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (i < arrivals.length && start + arrivals[i].at <= now) {
        const a = arrivals[i++];
        const scheduled = start + a.at;
        lags.push(now - scheduled);
        inflight.push(
          request(client, a.path).then((result) => {
            record(stats[a.page.name], result, performance.now() - scheduled);
          }),
        );
      }
      if (i >= arrivals.length) return resolve();
      setTimeout(tick, Math.max(0, start + arrivals[i].at - performance.now()));
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all(inflight);
  const elapsedS = (performance.now() - start) / 1000;
  return {
    pages: stats,
    offered: arrivals.length,
    offeredRps: arrivals.length / opts.durationS,
    drainS: Math.max(0, elapsedS - opts.durationS),
    maxLagMs: lags.length ? Math.max(...lags) : 0,
    p99LagMs: percentile(lags, 99),
  };
}

export interface ClosedLoopResult {
  rps: number;
  stats: PageStats;
}

/** `concurrency` connections requesting back to back for `durationS` (after `warmupS` not counted). */
export async function closedLoop(
  client: Client,
  paths: string[],
  opts: { concurrency: number; durationS: number; warmupS: number },
): Promise<ClosedLoopResult> {
  const stats = emptyStats();
  const t0 = performance.now();
  const measureFrom = t0 + opts.warmupS * 1000;
  const measureUntil = measureFrom + opts.durationS * 1000;
  const worker = async (w: number) => {
    for (let k = w; performance.now() < measureUntil; k += opts.concurrency) {
      const sent = performance.now();
      const result = await request(client, paths[k % paths.length]);
      const end = performance.now();
      // Throughput = completions inside the window (those straddling its edges are balanced out).
      if (end >= measureFrom && end <= measureUntil) record(stats, result, end - sent);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, (_, w) => worker(w)));
  return { rps: (stats.count - stats.errors) / opts.durationS, stats };
}
