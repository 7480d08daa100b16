#!/usr/bin/env node
// Guarantee: writes schema.json, the plugin's Pulumi package schema, from the one source in
// src/faces/plugin/schema.ts (the field table, the config keys, the outputs), at the version
// of package.json. `npm run schema` builds first; test/unit/plugin-schema.test.ts fails when the
// committed file differs from what this writes.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
const { version } = require(path.join(ROOT, "package.json"));
const { buildSchema } = require(path.join(ROOT, "dist", "faces", "plugin", "schema"));
const out = path.join(ROOT, "schema.json");
fs.writeFileSync(out, `${JSON.stringify(buildSchema(version), null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), out)} (version ${version})`);
