/**
 * The test helpers the bench shares (test/helpers/provider-host.ts, redis.ts), loaded from
 * plain Node: `.ts` files are transpiled on require with the project's TypeScript (types
 * erased, not checked here: `npm run typecheck` checks them), so there is one copy of each.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const ts = require("typescript");

const HELPERS = path.resolve(__dirname, "..", "..", "test", "helpers");
const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };

if (!require.extensions[".ts"]) {
  require.extensions[".ts"] = (module, filename) => {
    const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions, fileName: filename });
    module._compile(outputText, filename);
  };
}

/** test/helpers/provider-host.ts: spawnHost, HostClient, serializedProvider, secretValue, envWithoutRackspace, ... */
const providerHost = () => require(path.join(HELPERS, "provider-host.ts"));
/** test/helpers/redis.ts: startRedis, findRedisServer, freePort. */
const redis = () => require(path.join(HELPERS, "redis.ts"));

module.exports = { providerHost, redis };
