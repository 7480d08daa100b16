/**
 * Child script of the preview bench: how long `require` of the package takes after
 * `@pulumi/pulumi` is loaded, and which modules it loads (first load only, inclusive and
 * self time). Run in a fresh process per sample: `node require-time.js <programDir> <what>`
 * with what = package (the program's start) or impl (what the provider host loads on its
 * first Configure). Prints one JSON line.
 */
"use strict";
const Module = require("node:module");
const path = require("node:path");
const { performance } = require("node:perf_hooks");

const [prog, what = "package"] = process.argv.slice(2);
const ROOT = path.resolve(__dirname, "..", "..");
const req = Module.createRequire(path.join(path.resolve(prog), "index.js"));

const t0 = performance.now();
req("@pulumi/pulumi");
const pulumiMs = performance.now() - t0;

/** dist/… for the package's own files, the npm package's name for a dependency. */
function groupOf(filename) {
  const nm = filename.lastIndexOf(`${path.sep}node_modules${path.sep}`);
  if (nm >= 0) {
    const rest = filename.slice(nm + 14).split(path.sep);
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return path.relative(ROOT, filename);
}

const modules = new Map();
const stack = [];
const load = Module._load;
Module._load = function timedLoad(request, parent, isMain) {
  let filename;
  try {
    filename = Module._resolveFilename(request, parent, isMain);
  } catch {
    return load.apply(this, arguments);
  }
  if (Module._cache[filename] || modules.has(filename) || !path.isAbsolute(filename)) return load.apply(this, arguments);
  const start = performance.now();
  stack.push(0);
  try {
    return load.apply(this, arguments);
  } finally {
    const inclusive = performance.now() - start;
    const children = stack.pop();
    modules.set(filename, { inclusive, self: inclusive - children, parent: parent?.filename ? groupOf(parent.filename) : undefined });
    if (stack.length) stack[stack.length - 1] += inclusive;
  }
};

const t1 = performance.now();
req(what === "impl" ? "pulumi-rackspace-ticketing/provider/impl" : "pulumi-rackspace-ticketing");
const packageMs = performance.now() - t1;
Module._load = load;

const groups = {};
const own = [];
for (const [filename, m] of modules) {
  const g = groupOf(filename);
  groups[g] = (groups[g] || 0) + m.self;
  if (!g.includes("node_modules") && g.startsWith("dist")) own.push({ module: g, inclusiveMs: m.inclusive, selfMs: m.self });
}
process.stdout.write(`${JSON.stringify({ what, pulumiMs, packageMs, modulesLoaded: modules.size, selfMsByGroup: groups, ownModules: own })}\n`);
