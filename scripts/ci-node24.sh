#!/usr/bin/env bash
# The unit and integration suites again, on Node 24 with the newest @pulumi/pulumi.
#
#   bash scripts/ci-node24.sh        (.ci/run runs it after the main tests)
#
# The CI machine reaches only package registries, so Node 24 comes from the npm package
# `node` (it installs the official binary through the registry). In a copy of the working
# tree (tracked and untracked files, not node_modules/dist/coverage):
#   npm ci; npm install --no-save @pulumi/pulumi@latest node@24; npm run build
# (the package has no install-time script, so `npm ci` builds nothing: dist/ is built here)
# then, with that Node first on PATH (so `node`, `npx`, jest's workers and every child a
# test spawns with process.execPath or as `node` run Node 24), it prints both versions and
# runs `jest test/unit test/integration`. One extra test, written into the copy only,
# checks from inside jest that its workers and their children run Node 24 and load the
# newest @pulumi/pulumi. The last line gives the counts.
#
# Environment:
#   CI_NODE24_KEEP=1        keep the temporary copy (its path is printed)
#   CI_NODE24_NODE=node@24  the npm spec of the Node to test with
#   CI_NODE24_PULUMI=latest the @pulumi/pulumi version or tag
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_SPEC="${CI_NODE24_NODE:-node@24}"
PULUMI_SPEC="${CI_NODE24_PULUMI:-latest}"
WANT_MAJOR="$(printf '%s' "$NODE_SPEC" | sed -E 's/^node@([0-9]+).*/\1/')"

log() { printf '== ci-node24: %s\n' "$*"; }
t0=$SECONDS
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rackspace-node24-XXXXXX")"
cleanup() {
  if [[ "${CI_NODE24_KEEP:-}" == "1" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- the copy ----------------------------------------------------------------------
log "copying $SRC to $WORK"
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and untracked-but-not-ignored files as they are now (deleted ones skipped).
  (cd "$SRC" && git ls-files -z --cached --others --exclude-standard \
     | while IFS= read -r -d '' f; do [[ -f "$f" || -L "$f" ]] && printf '%s\0' "$f"; done \
     | tar --null -T - -cf -) | tar -xf - -C "$WORK"
else
  tar -C "$SRC" --exclude=./node_modules --exclude='./examples/*/node_modules' --exclude=./dist \
    --exclude=./coverage --exclude=./.demo --exclude=./.pulumi-state --exclude='*.tgz' -cf - . | tar -xf - -C "$WORK"
fi
cd "$WORK"

# --- install -----------------------------------------------------------------------
log "npm ci (node $(node --version))"
npm ci --no-audit --no-fund
log "npm install --no-save @pulumi/pulumi@$PULUMI_SPEC $NODE_SPEC"
npm install --no-save --no-audit --no-fund "@pulumi/pulumi@$PULUMI_SPEC" "$NODE_SPEC"
t_install=$((SECONDS - t0))

# The `node` package's binary (node_modules/.bin/node is a link to it), alone in a bin dir
# put first on PATH: npm's and npx's `#!/usr/bin/env node` then find it too.
NODE_BIN="$(readlink -f node_modules/.bin/node)"
mkdir -p .node24-bin
ln -sf "$NODE_BIN" .node24-bin/node
export PATH="$WORK/.node24-bin:$PATH"
hash -r

node_version="$(node --version)"
pulumi_version="$(node -p 'require("@pulumi/pulumi/package.json").version')"
log "node $node_version ($(command -v node) -> $NODE_BIN), npm $(npm --version)"
log "@pulumi/pulumi $pulumi_version (package.json pins $(node -p 'require("./package.json").devDependencies["@pulumi/pulumi"]'); peer range $(node -p 'require("./package.json").peerDependencies["@pulumi/pulumi"]'))"
if [[ "$node_version" != "v$WANT_MAJOR."* ]]; then
  log "error: wanted Node $WANT_MAJOR, PATH gives $node_version"
  exit 1
fi

# dist/, which the suites spawn (the plugin, the provider host's impl): `npm ci` no longer
# builds it (the package's build runs at `prepack`, not at install).
log "npm run build"
npm run build

# --- the in-jest check (in the copy only) ------------------------------------------
export CI_NODE24_EXPECT_NODE="$node_version" CI_NODE24_EXPECT_PULUMI="$pulumi_version"
cat >test/unit/zz-ci-node-version.test.ts <<'EOF'
/** Written by scripts/ci-node24.sh into its copy: where jest's workers really run. */
import { execFileSync } from "node:child_process";

test("jest's workers, children spawned with process.execPath or as `node`, and @pulumi/pulumi are the versions ci-node24.sh installed", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = (require("@pulumi/pulumi/package.json") as { version: string }).version;
  const child = execFileSync(process.execPath, ["-p", "process.version"], { encoding: "utf8" }).trim();
  const byName = execFileSync("node", ["-p", "process.version"], { encoding: "utf8" }).trim();
  console.log(["jest worker: node", process.version, process.execPath, "| child:", child, "| node on PATH:", byName, "| @pulumi/pulumi", pulumi].join(" "));
  const want = process.env.CI_NODE24_EXPECT_NODE;
  expect({ worker: process.version, child, byName, pulumi }).toEqual({ worker: want, child: want, byName: want, pulumi: process.env.CI_NODE24_EXPECT_PULUMI });
});
EOF

# --- the suites --------------------------------------------------------------------
log "jest test/unit test/integration on $node_version"
t_tests0=$SECONDS
status=0
# --forceExit: a handle a failing test leaves open (a server it did not close) must not hang
# CI after the results are in; the main run is where such leaks are caught.
node node_modules/jest/bin/jest.js test/unit test/integration --forceExit --json --outputFile="$WORK/jest-node24.json" || status=$?
t_tests=$((SECONDS - t_tests0))

if [[ -f "$WORK/jest-node24.json" ]]; then
  node -e '
    const r = require(process.argv[1]);
    const skipped = r.numPendingTests + r.numTodoTests;
    const failedSuites = r.testResults.filter((t) => t.status === "failed").map((t) => require("path").relative(process.cwd(), t.name));
    if (failedSuites.length) console.log(`failed suites: ${failedSuites.join(", ")}`);
    console.log(`== ci-node24: node ${process.version}, @pulumi/pulumi ${process.argv[2]}: ` +
      `${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : "") +
      `; ${r.numTotalTestSuites} suites, ${r.numFailedTestSuites} failed (install ${process.argv[3]}s, tests ${process.argv[4]}s)`);
  ' "$WORK/jest-node24.json" "$pulumi_version" "$t_install" "$t_tests"
else
  log "jest wrote no results (exit $status)"
  [[ "$status" -ne 0 ]] || status=1
fi
exit "$status"
