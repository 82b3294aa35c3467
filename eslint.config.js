import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["build/**", "public/build/**", "app/generated/**", ".data/**", ".cache/**", "node_modules/**"],
  },
  ...tseslint.configs.recommended,
  {
    files: ["app/**/*.tsx"],
    plugins: { "react-hooks": reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ["**/*.{ts,tsx}"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-console": "off",
    },
  },
  {
    // Routes stay thin: the database is reached through domain modules only.
    files: ["app/routes/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["~/generated/*", "@prisma/client*"],
              message: "Routes call domain modules; no Prisma here.",
            },
          ],
          paths: [
            {
              name: "~/utils/db.server.ts",
              importNames: ["createDb"],
              message: "Use getDb() and pass it to a domain function.",
            },
          ],
        },
      ],
    },
  },
);
