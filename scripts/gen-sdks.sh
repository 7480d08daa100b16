#!/usr/bin/env bash
# Write the plugin's Python, Go and Node.js SDKs (sdk/python, sdk/go, sdk/nodejs) from schema.json,
# offline, with Pulumi's own generators: scripts/sdkgen (a small Go program over
# github.com/pulumi/pulumi/pkg/v3/codegen). `npm run sdks` runs `npm run schema` first.
#
#   scripts/gen-sdks.sh                          # schema.json -> sdk/
#   scripts/gen-sdks.sh -out /tmp/x              # elsewhere (the staleness test does this)
#   scripts/gen-sdks.sh -languages python        # one SDK
#
# Arguments go to the tool after its defaults (-schema <repo>/schema.json -out <repo>/sdk), so
# they override them. The tool is built once per version of its sources (go.mod, go.sum,
# main.go) and cached in ${XDG_CACHE_HOME:-~/.cache}/pulumi-rackspace-ticketing/sdkgen-<hash>;
# modules are checked against scripts/sdkgen/go.sum and go.mod is never edited (-mod=readonly).
# The first build takes 1 to 3 minutes on 2 busy cores (Go's build cache empty). Progress goes to stderr.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
MODULE_DIR="$SCRIPT_DIR/sdkgen"
CACHE_ROOT="${XDG_CACHE_HOME:-$HOME/.cache}/pulumi-rackspace-ticketing"

log() { printf 'gen-sdks: %s\n' "$*" >&2; }
die() { printf 'gen-sdks: error: %s\n' "$*" >&2; exit 1; }

hash="$(cd "$MODULE_DIR" && cat go.mod go.sum main.go | sha256sum | cut -c1-16)"
BIN_DIR="$CACHE_ROOT/sdkgen-$hash"
TOOL="$BIN_DIR/sdkgen"

if [[ ! -x "$TOOL" ]]; then
  command -v go >/dev/null 2>&1 || die "no Go to build scripts/sdkgen: install Go >= $(awk '$1 == "go" { print $2; exit }' "$MODULE_DIR/go.mod") (https://go.dev/dl/)"
  mkdir -p "$CACHE_ROOT"
  # Serialise concurrent builds (test workers, terminals); the loser finds the tool built.
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$CACHE_ROOT/.sdkgen.lock"
    flock 9
  fi
  if [[ ! -x "$TOOL" ]]; then
    log "building scripts/sdkgen ($(go env GOVERSION); 1 to 3 minutes the first time) into $BIN_DIR"
    tmp="$(mktemp -d "$CACHE_ROOT/.build-sdkgen.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    t0=$SECONDS
    (cd "$MODULE_DIR" && GOFLAGS="-mod=readonly -buildvcs=false" go build -trimpath -ldflags "-s -w" -o "$tmp/sdkgen" .) >&2 \
      || die "go build of scripts/sdkgen failed (see above): the Go module proxy must be reachable for modules not yet in $(go env GOMODCACHE)"
    rm -rf "$BIN_DIR"
    mv "$tmp" "$BIN_DIR"
    trap - EXIT
    log "built in $((SECONDS - t0))s"
  fi
fi

exec "$TOOL" -schema "$ROOT/schema.json" -out "$ROOT/sdk" "$@"
