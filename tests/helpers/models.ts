/**
 * Stored categorisers as an older release would have left them, for the upgrade tests.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import { ALGORITHM_VERSION } from "~/domain/analysis/categoriser/index.ts";

/**
 * The bytes of a serialised categoriser with its header saying it was trained by an older algorithm
 * (version "0…", of the same length, so the layout after the header stays aligned).
 */
export function asOlderAlgorithm(data: Buffer): Buffer {
  const older = "0".repeat(ALGORITHM_VERSION.length);
  const body = gunzipSync(data);
  const headerEnd = 8 + body.readUInt32LE(4);
  const header = body
    .toString("utf8", 8, headerEnd)
    .replaceAll(`/${ALGORITHM_VERSION}"`, `/${older}"`)
    .replaceAll(`"cat-${ALGORITHM_VERSION}-`, `"cat-${older}-`);
  return gzipSync(
    Buffer.concat([body.subarray(0, 8), Buffer.from(header, "utf8"), body.subarray(headerEnd)]),
  );
}
