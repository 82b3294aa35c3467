import type { LoaderFunctionArgs } from "@remix-run/node";
import { paramsObject, similarParamsSchema } from "~/domain/search/search.schema.ts";
import { findSimilarSubmissions } from "~/domain/search/search.server.ts";
import { getDb } from "~/utils/db.server.ts";

const headers = { "Cache-Control": "no-store" };

/**
 * GET /api/similar?consultation=<uuid>&q=<title>[&exclude=<uuid>] → { results: [{ id, title, supportCount,
 * commentCount, url }] }: published submissions of the consultation with a similar title (the
 * SimilarSubmissions box under a title field). Bad parameters → 400 { message: <translation key> }.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  const parsed = similarParamsSchema.safeParse(paramsObject(params, ["consultation", "q", "exclude"]));
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "search.errors.invalid";
    return Response.json({ message }, { status: 400, headers });
  }
  const { consultation, q, exclude } = parsed.data;
  const results = await findSimilarSubmissions(getDb(), {
    consultationId: consultation,
    text: q,
    excludeId: exclude,
    limit: 5,
  });
  return Response.json({ results }, { headers });
}
