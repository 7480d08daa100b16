#!/usr/bin/env bash
# Make a Pulumi CLI available and print the directory that holds it.
#
#   PULUMI_BIN_DIR=$(scripts/ensure-pulumi.sh) && export PATH="$PULUMI_BIN_DIR:$PATH"
#
# The last (and only) line on stdout is the absolute path of a directory
# containing `pulumi`; progress goes to stderr. In order:
#   a. a `pulumi` already on PATH (skipped with PULUMI_CLI_FORCE_BUILD=1);
#   b. a cached build in ~/.pulumi/versions/$PULUMI_VERSION/bin (the path the
#      npm `pulumi` package also looks in);
#   c. build it with Go from scripts/pulumi-cli (the CLI from the Go module
#      github.com/pulumi/pulumi/pkg/v3 plus this project's own small Node.js
#      language host, scripts/pulumi-cli/cmd/pulumi-language-nodejs), and copy
#      @pulumi/pulumi's dynamic-provider plugin script beside them;
#   d. otherwise fail, saying what to install.
#
# Environment:
#   PULUMI_CLI_FORCE_BUILD=1  ignore any pulumi on PATH (use/make our own build)
#   PULUMI_HOME               as for the CLI itself (default ~/.pulumi)
#
# Tools run offline with (set by the project's scripts, not by this one):
#   PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
set -euo pipefail

# Must match the pulumi/pkg/v3 and pulumi/sdk/v3 versions in scripts/pulumi-cli/go.mod.
PULUMI_VERSION="3.274.1"

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
MODULE_DIR="$SCRIPT_DIR/pulumi-cli"
PULUMI_ROOT="${PULUMI_HOME:-$HOME/.pulumi}"
VERSION_DIR="$PULUMI_ROOT/versions/$PULUMI_VERSION"
BIN_DIR="$VERSION_DIR/bin"
PLUGIN_SCRIPT="pulumi-resource-pulumi-nodejs"
STAMP_FILE=".ensure-pulumi-build"

log() { printf 'ensure-pulumi: %s\n' "$*" >&2; }
die() { printf 'ensure-pulumi: error: %s\n' "$*" >&2; exit 1; }

# Required Go version: the go directive of our wrapper module.
go_required() { awk '$1 == "go" { print $2; exit }' "$MODULE_DIR/go.mod"; }

# Hash of everything that goes into our build (module files + host source).
build_stamp() {
  (cd "$MODULE_DIR" && find . -type f \( -name '*.go' -o -name go.mod -o -name go.sum \) \
     | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -d' ' -f1
}

# `pulumi version` of the binary in $1 equals v$PULUMI_VERSION.
runs_right_version() {
  local out
  out="$(PULUMI_SKIP_UPDATE_CHECK=true "$1/pulumi" version 2>/dev/null)" || return 1
  [[ "$out" == "v$PULUMI_VERSION" ]]
}

cache_ok() {
  [[ -x "$BIN_DIR/pulumi" && -x "$BIN_DIR/pulumi-language-nodejs" ]] || return 1
  runs_right_version "$BIN_DIR" || return 1
  # A build of ours records what it was built from; rebuild when that changed.
  # (A directory without the stamp, e.g. an official install, is left alone.)
  if [[ -f "$BIN_DIR/$STAMP_FILE" ]]; then
    [[ "$(cat "$BIN_DIR/$STAMP_FILE")" == "$(build_stamp)" ]] || {
      log "cached build in $BIN_DIR is out of date with scripts/pulumi-cli; rebuilding"
      return 1
    }
  fi
}

# Copy @pulumi/pulumi's dynamic provider plugin script into $1 if missing or
# different. The script runs `node -e "require.resolve('@pulumi/pulumi/cmd/dynamic-provider')"`
# in its working directory (the engine starts it in the Pulumi program's
# directory), so it does not depend on where it is installed.
ensure_plugin_script() {
  local dir="$1" src="" pkg_json tmp version
  if pkg_json="$(cd "$PROJECT_DIR" && node -p "require.resolve('@pulumi/pulumi/package.json')" 2>/dev/null)"; then
    src="$(dirname "$pkg_json")/$PLUGIN_SCRIPT"
  fi
  if [[ -n "$src" && -f "$src" ]]; then
    if ! cmp -s "$src" "$dir/$PLUGIN_SCRIPT"; then
      cp "$src" "$dir/$PLUGIN_SCRIPT.tmp.$$"
      chmod 0755 "$dir/$PLUGIN_SCRIPT.tmp.$$"
      mv -f "$dir/$PLUGIN_SCRIPT.tmp.$$" "$dir/$PLUGIN_SCRIPT"
      log "installed $PLUGIN_SCRIPT from $src"
    fi
  elif [[ ! -f "$dir/$PLUGIN_SCRIPT" ]]; then
    # @pulumi/pulumi is not installed in the project yet: take it from the npm package.
    version="$(cd "$PROJECT_DIR" && node -p "const p=require('./package.json'); \
      ((p.devDependencies||{})['@pulumi/pulumi'] || (p.dependencies||{})['@pulumi/pulumi'] || \
       (p.peerDependencies||{})['@pulumi/pulumi'] || 'latest')" 2>/dev/null || echo latest)"
    log "@pulumi/pulumi is not installed in $PROJECT_DIR; fetching $PLUGIN_SCRIPT from npm (@pulumi/pulumi@$version)"
    tmp="$(mktemp -d)"
    if (cd "$tmp" && npm pack --silent "@pulumi/pulumi@$version" >/dev/null 2>&1 \
          && tar -xzf pulumi-pulumi-*.tgz "package/$PLUGIN_SCRIPT"); then
      install -m 0755 "$tmp/package/$PLUGIN_SCRIPT" "$dir/$PLUGIN_SCRIPT"
    else
      log "warning: could not get $PLUGIN_SCRIPT (run npm install, then this script again);" \
          "dynamic providers will not work until then"
    fi
    rm -rf "$tmp"
  fi
  chmod 0755 "$dir/$PLUGIN_SCRIPT" 2>/dev/null || true
}

# --- a. pulumi already on PATH ---------------------------------------------
if [[ "${PULUMI_CLI_FORCE_BUILD:-}" != "1" ]] && existing="$(command -v pulumi 2>/dev/null)"; then
  existing_dir="$(cd "$(dirname "$existing")" && pwd -P)"
  own_dir="$(cd "$BIN_DIR" 2>/dev/null && pwd -P || echo "$BIN_DIR")"
  # Skip our own cache dir (handled below) and the npm `pulumi` package's
  # node_modules/.bin shim, which would try to download the CLI.
  if [[ "$existing_dir" != "$own_dir" && "$existing_dir" != */node_modules/.bin ]]; then
    log "using pulumi on PATH: $existing ($(PULUMI_SKIP_UPDATE_CHECK=true pulumi version 2>/dev/null || echo 'version unknown'))"
    printf '%s\n' "$existing_dir"
    exit 0
  fi
fi

mkdir -p "$PULUMI_ROOT/versions"
# Serialise concurrent runs (parallel test workers, several terminals).
if command -v flock >/dev/null 2>&1; then
  exec 9>"$PULUMI_ROOT/versions/.ensure-pulumi-$PULUMI_VERSION.lock"
  flock 9
fi

# --- b. cached build -------------------------------------------------------
if cache_ok; then
  ensure_plugin_script "$BIN_DIR"
  printf '%s\n' "$BIN_DIR"
  exit 0
fi

# --- d. nothing to build with ----------------------------------------------
need_go="$(go_required)"
if ! command -v go >/dev/null 2>&1; then
  die "no Pulumi CLI found. Install the Pulumi CLI v$PULUMI_VERSION (https://www.pulumi.com/docs/install/) and put it on PATH, or install Go >= $need_go (https://go.dev/dl/) so this script can build it from source."
fi

# --- c. build it -----------------------------------------------------------
have_go="$(go env GOVERSION 2>/dev/null || true)"
if [[ "$(printf '%s\n%s\n' "go$need_go" "$have_go" | sort -V | head -n1)" != "go$need_go" ]]; then
  if [[ "$(go env GOTOOLCHAIN 2>/dev/null)" == local ]]; then
    die "Go $have_go is too old to build the Pulumi CLI: install Go >= $need_go (https://go.dev/dl/), or the Pulumi CLI v$PULUMI_VERSION (https://www.pulumi.com/docs/install/)."
  fi
  log "Go $have_go is older than $need_go; the go command will fetch toolchain go$need_go"
fi
if ! grep -Eq "(^|[[:space:]])github.com/pulumi/pulumi/pkg/v3 v$PULUMI_VERSION([[:space:]]|$)" "$MODULE_DIR/go.mod"; then
  die "PULUMI_VERSION=$PULUMI_VERSION in $0 does not match github.com/pulumi/pulumi/pkg/v3 in $MODULE_DIR/go.mod"
fi

log "no cached Pulumi CLI v$PULUMI_VERSION in $BIN_DIR: building it with $have_go"
log "(the first build takes several minutes on 2 cores; later runs reuse the Go build cache)"

build_root="$(mktemp -d "$PULUMI_ROOT/versions/.build-$PULUMI_VERSION.XXXXXX")"
heartbeat_pid=""
cleanup() {
  if [[ -n "$heartbeat_pid" ]]; then kill "$heartbeat_pid" 2>/dev/null || true; fi
  rm -rf "$build_root"
}
trap cleanup EXIT

t0=$SECONDS
# Heartbeat so CI logs show the (long, silent) compile is alive.
# (stdout goes to stderr so `$(ensure-pulumi.sh)` doesn't wait for it, and the
# TERM trap also ends the pending sleep.)
(
  trap 'kill "$s" 2>/dev/null; exit 0' TERM
  while :; do sleep 30 & s=$!; wait "$s"; log "  ... still building ($((SECONDS - t0))s)"; done
) >&2 &
heartbeat_pid=$!

# Modules are checksum-verified against scripts/pulumi-cli/go.sum and go.mod/go.sum
# are never edited (-mod=readonly); no VCS stamping (the binary doesn't change
# with each commit, and no git is needed).
export GOFLAGS="-mod=readonly -buildvcs=false"
PACKAGES=(github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./cmd/pulumi-language-nodejs)
log "step 1/2: download the modules the build needs (module cache: $(go env GOMODCACHE))"
(cd "$MODULE_DIR" && go list -deps "${PACKAGES[@]}" >/dev/null) >&2 \
  || die "downloading Go modules failed (see above): the Go module proxy must be reachable; or install the Pulumi CLI v$PULUMI_VERSION (https://www.pulumi.com/docs/install/)."
t1=$SECONDS
log "step 1/2 done in $((t1 - t0))s"

log "step 2/2: go build pulumi + pulumi-language-nodejs"
(cd "$MODULE_DIR" && go build -trimpath \
   -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v$PULUMI_VERSION" \
   -o "$build_root/bin/" "${PACKAGES[@]}") >&2 \
  || die "go build failed (see above). Requirements: Go >= $need_go and access to the Go module proxy; or install the Pulumi CLI v$PULUMI_VERSION (https://www.pulumi.com/docs/install/)."
t2=$SECONDS
kill "$heartbeat_pid" 2>/dev/null || true
heartbeat_pid=""
log "step 2/2 done in $((t2 - t1))s (total $((t2 - t0))s)"

runs_right_version "$build_root/bin" \
  || die "the freshly built $build_root/bin/pulumi does not report v$PULUMI_VERSION"
build_stamp >"$build_root/bin/$STAMP_FILE"
ensure_plugin_script "$build_root/bin"

# Swap the new bin dir into place.
mkdir -p "$VERSION_DIR"
if [[ -e "$BIN_DIR" ]]; then
  mv "$BIN_DIR" "$build_root/old-bin"
fi
mv "$build_root/bin" "$BIN_DIR"
log "installed Pulumi CLI v$PULUMI_VERSION in $BIN_DIR"
printf '%s\n' "$BIN_DIR"
