#!/usr/bin/env bash
# Make Pulumi's YAML language host (pulumi-language-yaml) available and print the directory
# that holds it; progress goes to stderr. The end-to-end tests of the plugin face run YAML
# programs with it (put the directory on PATH beside the CLI). In order:
#   a. a pulumi-language-yaml already on PATH;
#   b. a cached build in $PULUMI_HOME/versions/yaml-$YAML_VERSION/bin;
#   c. build it with Go from the published module (about 2 minutes on 2 cores, then cached).
set -euo pipefail

YAML_VERSION="1.25.0"
MODULE="github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml"
PULUMI_ROOT="${PULUMI_HOME:-$HOME/.pulumi}"
BIN_DIR="$PULUMI_ROOT/versions/yaml-$YAML_VERSION/bin"

log() { printf 'ensure-pulumi-yaml: %s\n' "$*" >&2; }
die() { printf 'ensure-pulumi-yaml: error: %s\n' "$*" >&2; exit 1; }

if existing="$(command -v pulumi-language-yaml 2>/dev/null)"; then
  log "using pulumi-language-yaml on PATH: $existing"
  dirname "$existing"
  exit 0
fi

mkdir -p "$PULUMI_ROOT/versions"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$PULUMI_ROOT/versions/.ensure-pulumi-yaml-$YAML_VERSION.lock"
  flock 9
fi

if [[ -x "$BIN_DIR/pulumi-language-yaml" ]]; then
  printf '%s\n' "$BIN_DIR"
  exit 0
fi

command -v go >/dev/null 2>&1 || die "no pulumi-language-yaml on PATH and no Go to build it: install Go (https://go.dev/dl/) or the YAML language host"
log "building pulumi-language-yaml v$YAML_VERSION from the Go module proxy (about 2 minutes on 2 cores; cached in $BIN_DIR)"
tmp="$(mktemp -d "$PULUMI_ROOT/versions/.build-yaml-$YAML_VERSION.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
t0=$SECONDS
GOBIN="$tmp/bin" GOFLAGS="-buildvcs=false" go install -trimpath -ldflags "-s -w" "$MODULE@v$YAML_VERSION" >&2 \
  || die "go install $MODULE@v$YAML_VERSION failed (see above): the Go module proxy must be reachable"
mkdir -p "$(dirname "$BIN_DIR")"
rm -rf "$BIN_DIR"
mv "$tmp/bin" "$BIN_DIR"
log "built in $((SECONDS - t0))s: $BIN_DIR/pulumi-language-yaml"
printf '%s\n' "$BIN_DIR"
