/**
 * A worker thread of the analysis pool (workers/analysis-pool.ts): holds one deserialised categoriser and
 * predicts batches of texts, or trains a new model, off the worker process's main thread (which keeps
 * running BullMQ, its lock renewals and the database writes meanwhile).
 */
import { parentPort } from "node:worker_threads";
import type { LabelledExample, Prediction } from "~/domain/analysis/analysis.types.ts";
import {
  deserializeCategoriser,
  trainCategoriser,
  type Categoriser,
} from "~/domain/analysis/categoriser/index.ts";

export type ThreadRequest =
  | { id: number; op: "load"; data: Uint8Array }
  | { id: number; op: "predict"; texts: string[] }
  | { id: number; op: "train"; examples: LabelledExample[] };

export type ThreadResponse =
  | { id: number; ok: true; version: string; predictions?: Prediction[]; data?: Uint8Array }
  | { id: number; ok: false; error: string };

let model: Categoriser | null = null;

function handle(req: ThreadRequest): ThreadResponse {
  switch (req.op) {
    case "load":
      model = deserializeCategoriser(Buffer.from(req.data.buffer, req.data.byteOffset, req.data.byteLength));
      return { id: req.id, ok: true, version: model.version };
    case "predict": {
      if (!model) throw new Error("No model loaded in this analysis thread");
      const m = model;
      return { id: req.id, ok: true, version: m.version, predictions: req.texts.map((t) => m.predict(t)) };
    }
    case "train": {
      const trained = trainCategoriser(req.examples);
      return { id: req.id, ok: true, version: trained.version, data: new Uint8Array(trained.serialize()) };
    }
  }
}

const port = parentPort;
if (port) {
  port.on("message", (req: ThreadRequest) => {
    let res: ThreadResponse;
    try {
      res = handle(req);
    } catch (error) {
      res = { id: req.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    if (res.ok && res.data) port.postMessage(res, [res.data.buffer as ArrayBuffer]);
    else port.postMessage(res);
  });
  port.postMessage({ id: 0, ok: true, version: "" } satisfies ThreadResponse); // started
}
