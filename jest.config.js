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
  // Two test files at a time (jest's default is cores - 1, one file on a 2-core CI machine). The
  // end-to-end files spend most of their time waiting on the CLI, rate windows and gate polls, so
  // two overlap well; none shares a stack, a port, a backend or an output path with another
  // (the Python venv is built under a lock), and none asserts a duration.
  maxWorkers: 2,
};
