/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }] },
  testMatch: ["<rootDir>/test/**/*.test.ts"],
  collectCoverageFrom: ["src/**/*.ts"],
  coverageReporters: ["text-summary", "text", "json-summary"],
  coverageThreshold: { "./src/api/": { lines: 90 } },
  testTimeout: 60000,
};
