/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  // Fixture programs (saved stacks with their own package.json) are data, not modules.
  modulePathIgnorePatterns: ["<rootDir>/test/fixtures/"],
  collectCoverageFrom: ["src/**/*.ts"],
  coverageReporters: ["text-summary", "text", "json-summary"],
  coverageThreshold: { "./src/api/": { lines: 90 } },
  testTimeout: 60000,
};
