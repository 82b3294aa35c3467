import { cpus, loadavg } from "node:os";

/** What a benchmark ran on and how busy the machine was as it began (figures are only comparable with it). */
export function machineLine(): string {
  const load = loadavg()
    .map((n) => n.toFixed(2))
    .join(" ");
  return `node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? "?"}), load average ${load}`;
}
