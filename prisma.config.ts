import { defineConfig } from "prisma/config";

// No env("DATABASE_URL") here: it throws when unset, even for `prisma generate`.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
