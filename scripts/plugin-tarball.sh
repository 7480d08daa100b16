#!/usr/bin/env bash
# The provider plugin as a tarball `pulumi plugin install` takes:
#
#   bash scripts/plugin-tarball.sh [--os linux|darwin] [--arch amd64|arm64] [--out DIR] [--no-build]
#   pulumi plugin install resource rackspace <version> --file pulumi-resource-rackspace-v<version>-<os>-<arch>.tar.gz
#
# (`npm run plugin-tarball -- …` runs it.) The version is package.json's: one version for the
# npm package, the plugin and the SDKs. The tarball's top holds what the plugin runs with and
# nothing else: the entry script `pulumi-resource-rackspace` (which the engine starts),
# dist/, schema.json, package.json (the plugin reports its version from it), README.md,
# LICENSE, and node_modules/ with the production dependencies at the versions package-lock.json
# pins, plus @pulumi/pulumi (a peer dependency: the plugin speaks gRPC with its generated stubs
# and its grpc-js) at the version the tests run with (devDependencies, the peer range's floor).
# Installed, it needs only `node` (>= 20) on PATH: no npm install, no network.
#
# The content is JavaScript only (no native module), so one build serves every os/arch;
# --os/--arch only name the file as Pulumi looks for it (default: this machine, in Pulumi's
# names). Windows is refused: the entry is a POSIX shell script.
#
# Steps: npm pack (its `prepack` builds dist/; with --no-build, dist/ must be built already
# and no script runs), unpack it in a temporary directory, `npm install --omit=dev
# --ignore-scripts` there with the repository's lock file and @pulumi/pulumi, check that the
# plugin's modules resolve inside the directory, then tar it. Progress goes to stderr; the
# last line on stdout is the tarball's absolute path.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log() { printf 'plugin-tarball: %s\n' "$*" >&2; }
die() { printf 'plugin-tarball: error: %s\n' "$*" >&2; exit 1; }

# This machine in Pulumi's names (GOOS/GOARCH).
OS="$(node -p '({ linux: "linux", darwin: "darwin", win32: "windows" })[process.platform] || process.platform')"
ARCH="$(node -p '({ x64: "amd64", arm64: "arm64" })[process.arch] || process.arch')"
OUT="$ROOT"
BUILD=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --os) OS="${2:?--os needs a value}"; shift 2 ;;
    --arch) ARCH="${2:?--arch needs a value}"; shift 2 ;;
    --out) OUT="${2:?--out needs a directory}"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done
case "$OS" in
  linux|darwin) ;;
  windows) die "windows is not supported: the plugin's entry is a POSIX shell script" ;;
  *) die "--os must be linux or darwin, got $OS" ;;
esac
case "$ARCH" in
  amd64|arm64) ;;
  *) die "--arch must be amd64 or arm64, got $ARCH" ;;
esac

cd "$ROOT"
VERSION="$(node -p 'require("./package.json").version')"
PULUMI_SDK="$(node -p 'require("./package.json").devDependencies["@pulumi/pulumi"]')"
NAME="pulumi-resource-rackspace-v$VERSION-$OS-$ARCH.tar.gz"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rackspace-plugin-XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# 1. The npm package, exactly as `npm pack` ships it.
if [[ "$BUILD" == 1 ]]; then
  log "npm pack (prepack builds dist/)"
  PACK_FLAGS=()
else
  [[ -f dist/faces/plugin/main.js ]] || die "--no-build, but dist/faces/plugin/main.js is missing: run npm run build"
  log "npm pack --ignore-scripts (dist/ as built)"
  PACK_FLAGS=(--ignore-scripts)
fi
TGZ="$(npm pack "${PACK_FLAGS[@]}" --json --pack-destination "$WORK" | node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(JSON.parse(s)[0].filename))')"
TGZ="$WORK/$(basename "$TGZ")"
[[ -f "$TGZ" ]] || die "npm pack wrote no tarball"

# 2. Unpacked, with its production dependencies (locked versions) and @pulumi/pulumi.
STAGE="$WORK/plugin"
mkdir -p "$STAGE"
tar -xzf "$TGZ" -C "$STAGE" --strip-components=1
# What the npm package carries for its README's links (the changelog, docs/, an example) is not
# the plugin's: README.md and LICENSE stay.
rm -rf "$STAGE/CHANGELOG.md" "$STAGE/docs" "$STAGE/examples"
cp package-lock.json "$STAGE/package-lock.json"
cp "$STAGE/package.json" "$WORK/package.json.shipped"
# For the install only: @pulumi/pulumi as a dependency at the tested version (npm would leave a
# peer that is also a devDependency out of an --omit=dev install), no devDependencies. The
# lock file keeps every other dependency at the version the tests ran with.
(
  cd "$STAGE"
  node -e '
    const fs = require("node:fs");
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"));
    pkg.dependencies = { ...pkg.dependencies, "@pulumi/pulumi": process.argv[1] };
    delete pkg.devDependencies;
    delete pkg.peerDependencies;
    fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2));
  ' "$PULUMI_SDK"
  log "npm install --omit=dev (production dependencies as package-lock.json pins them, @pulumi/pulumi $PULUMI_SDK)"
  npm install --omit=dev --ignore-scripts --no-audit --no-fund --prefer-offline --loglevel=error >&2
)
# The package.json the package ships (the plugin reads its version there), no lock file, and
# no node_modules/.bin (links to the dependencies' command-line tools, which the plugin never runs).
cp "$WORK/package.json.shipped" "$STAGE/package.json"
rm -f "$STAGE/package-lock.json"
find "$STAGE/node_modules" -type d -name .bin -prune -exec rm -rf {} +
LINKS="$(find "$STAGE" -type l | head -5)"
[[ -z "$LINKS" ]] || die "symbolic links in the staged plugin (a tarball should hold plain files): $LINKS"

# 3. Everything the plugin loads resolves inside the directory, and its entry is executable.
[[ -x "$STAGE/pulumi-resource-rackspace" ]] || die "the entry script pulumi-resource-rackspace is not executable in the package"
(
  cd "$STAGE"
  NODE_PATH="" node -e '
    const path = require("node:path");
    const root = process.cwd();
    const sdk = require("node:module").createRequire(require.resolve("@pulumi/pulumi/package.json"));
    const found = [
      require.resolve("@pulumi/pulumi/proto/provider_grpc_pb"),
      sdk.resolve("@grpc/grpc-js"),
      sdk.resolve("google-protobuf/google/protobuf/struct_pb"),
      ...["axios", "zod", "p-retry", "ioredis"].map((m) => require.resolve(m)),
      require.resolve("./dist/faces/plugin/main.js"),
    ];
    const outside = found.filter((f) => path.relative(root, f).startsWith(".."));
    if (outside.length) { console.error("resolved outside the plugin directory: " + outside.join(", ")); process.exit(1); }
    const v = require("@pulumi/pulumi/package.json").version;
    if (v !== process.argv[1]) { console.error(`@pulumi/pulumi ${v} installed, wanted ${process.argv[1]}`); process.exit(1); }
  ' "$PULUMI_SDK"
) || die "the staged plugin does not hold its own dependencies"

# 4. The tarball: the directory's contents at its top (no leading ./), modes kept.
(cd "$STAGE" && tar -czf "$WORK/$NAME" $(ls -A))
mv "$WORK/$NAME" "$OUT/$NAME"
log "wrote $OUT/$NAME ($(du -h "$OUT/$NAME" | cut -f1); @pulumi/pulumi $PULUMI_SDK)"
echo "$OUT/$NAME"
