import { z } from "zod";

// Environment is read once and validated at start-up; everything else imports `env`.
const bool = z.enum(["true", "false", "1", "0", ""]).transform((v) => v === "true" || v === "1");

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    HOST: z.string().default("0.0.0.0"),
    APP_URL: z.string().url().optional(),
    DATABASE_URL: z
      .string({ error: "DATABASE_URL is required (e.g. postgres://postgres@127.0.0.1:5432/synochi)" })
      .regex(/^postgres(ql)?:\/\//, "DATABASE_URL must start with postgres:// or postgresql://"),
    REDIS_URL: z
      .string({ error: "REDIS_URL is required (e.g. redis://127.0.0.1:6379)" })
      .regex(/^rediss?:\/\//, "REDIS_URL must start with redis:// or rediss://"),
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_:-]+$/, "REDIS_PREFIX may hold letters, digits, _ : -")
      .default("synochi"),
    COOKIE_SECURE: bool.optional(),
    TRUST_PROXY: bool.default(false),
    SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, "SMTP_URL must start with smtp:// or smtps://")
      .optional(),
    MAIL_FROM: z.string().default("Synochi <no-reply@synochi.localhost>"),
    MAIL_SINK_DIR: z.string().default(".data/mail"),
    /** Lets a production-mode build (quickstart, tests) write e-mails to MAIL_SINK_DIR instead of SMTP. */
    ALLOW_MAIL_SINK: bool.default(false),
    LOGIN_MAX_PER_IP: z.coerce.number().int().positive().default(20),
    LOGIN_MAX_PER_ACCOUNT: z.coerce.number().int().positive().default(5),
    REGISTER_MAX_PER_IP: z.coerce.number().int().positive().default(10),
    /** Minutes after posting during which authors may edit a submission or a comment. */
    SUBMISSION_EDIT_MINUTES: z.coerce.number().int().min(0).default(60),
    COMMENT_EDIT_MINUTES: z.coerce.number().int().min(0).default(15),
    /** Posting limits per user per hour. */
    SUBMISSIONS_MAX_PER_HOUR: z.coerce.number().int().positive().default(10),
    COMMENTS_MAX_PER_HOUR: z.coerce.number().int().positive().default(60),
    RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .superRefine((v, ctx) => {
    if (v.NODE_ENV === "production" && !v.SMTP_URL && !v.ALLOW_MAIL_SINK) {
      ctx.addIssue({
        code: "custom",
        path: ["SMTP_URL"],
        message:
          "SMTP_URL is required in production (or ALLOW_MAIL_SINK=true to write e-mails to MAIL_SINK_DIR)",
      });
    }
  });

export type Env = z.infer<typeof schema> & { APP_URL: string; COOKIE_SECURE: boolean };

/** Parses the environment; throws one message per problem so an operator can fix them all at once. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const result = schema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  - ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const v = result.data;
  return {
    ...v,
    APP_URL: v.APP_URL ?? `http://localhost:${v.PORT}`,
    COOKIE_SECURE: v.COOKIE_SECURE ?? v.NODE_ENV === "production",
  };
}

let cached: Env | undefined;
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

declare module "@remix-run/node" {
  interface AppLoadContext {
    csrfToken: string;
    clientIp: string;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
