#!/usr/bin/env bash
# Runs the install lines of docs/install.md exactly as written, so the doc and what works cannot
# drift apart:
#
#   bash scripts/check-install-lines.sh
#
# 1. The doc's ```sh install-build blocks run in the checkout (they write the npm package's
#    tarball and the plugin's tarball there).
# 2. A fresh project in a temporary directory gets both files, as the doc says; its
#    ```sh install-check blocks run there, line by line under `set -e`, with a fresh
#    PULUMI_HOME (the plugin goes into its plugins/; the CLI binary stays where it is).
# 3. A tiny program in that project (JavaScript: the dynamic RackspaceTicket and the plugin's
#    Ticket, from the installed package, the plugin found with no path in Pulumi.yaml) runs
#    `pulumi preview` against the simulator the installed package carries
#    (its rackspace-ticketing-sim), on a file backend in the temporary directory.
#
# The versions the blocks name must be package.json's. Output goes to stderr; the last line on
# stdout is "install lines: ok". Environment:
#   CHECK_INSTALL_SKIP_BUILD=1  dist/ is built already: the install-build lines run without
#                               npm's lifecycle scripts (no second tsc; tests set it)
#   CHECK_INSTALL_KEEP=1        keep the temporary directory (its path is printed)
#   CHECK_INSTALL_DOC=FILE      read the lines from FILE instead of docs/install.md (tests)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DOC="${CHECK_INSTALL_DOC:-$ROOT/docs/install.md}"
log() { printf 'check-install-lines: %s\n' "$*" >&2; }
die() { printf 'check-install-lines: error: %s\n' "$*" >&2; exit 1; }

VERSION="$(node -p 'require(process.argv[1]).version' "$ROOT/package.json")"

# The lines of the fenced blocks whose info string is `sh <marker>`.
blocks() {
  awk -v want="$1" '
    /^```/ { if (inside) { inside = 0; next } split(substr($0, 4), info, /[ \t]+/); inside = (info[1] == "sh" && info[2] == want) ? 1 : 2; next }
    inside == 1 { print }
    inside == 2 { }
  ' "$DOC" | awk '{ sub(/\r$/, ""); print }'
}
BUILD_LINES="$(blocks install-build)"
INSTALL_LINES="$(blocks install-check)"
[[ -n "$BUILD_LINES" ]] || die "docs/install.md has no \`\`\`sh install-build block"
[[ -n "$INSTALL_LINES" ]] || die "docs/install.md has no \`\`\`sh install-check block"
grep -q '^npm install ' <<<"$INSTALL_LINES" || die "the install-check blocks hold no npm install line"
grep -q '^pulumi plugin install ' <<<"$INSTALL_LINES" || die "the install-check blocks hold no pulumi plugin install line"

# Every version the install lines name is package.json's (a release that forgets the doc fails here, by name).
STALE="$(grep -oE '(ticketing-|rackspace-v|rackspace )[0-9]+\.[0-9]+\.[0-9]+' <<<"$INSTALL_LINES" | grep -vE -- "[- v]${VERSION%%-*}\$" || true)"
[[ -z "$STALE" ]] || die "docs/install.md names another version than package.json's $VERSION: $(tr '\n' ' ' <<<"$STALE")"

# The Pulumi CLI: on PATH, cached, or built (scripts/ensure-pulumi.sh).
PULUMI_BIN_DIR="$(bash "$ROOT/scripts/ensure-pulumi.sh")"
export PATH="$PULUMI_BIN_DIR:$PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/rackspace-install-lines-XXXXXX")"
SIM_PID=""
cleanup() {
  if [[ -n "$SIM_PID" ]]; then kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; fi
  if [[ "${CHECK_INSTALL_KEEP:-}" == "1" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# --- 1. the files, built in the checkout by the doc's lines ----------------------------
log "running docs/install.md's install-build lines in $ROOT"
(
  cd "$ROOT"
  if [[ "${CHECK_INSTALL_SKIP_BUILD:-}" == "1" ]]; then
    [[ -f dist/faces/plugin/main.js ]] || die "CHECK_INSTALL_SKIP_BUILD=1, but dist/ is not built"
    export npm_config_ignore_scripts=true
  fi
  set -x
  eval "$BUILD_LINES"
) >&2
TGZ="$ROOT/pulumi-rackspace-ticketing-$VERSION.tgz"
[[ -f "$TGZ" ]] || die "the install-build lines wrote no $(basename "$TGZ")"
PLUGIN_TARS=("$ROOT"/pulumi-resource-rackspace-v"$VERSION"-*.tar.gz)
[[ -f "${PLUGIN_TARS[0]}" ]] || die "the install-build lines wrote no pulumi-resource-rackspace-v$VERSION-<os>-<arch>.tar.gz"

# --- 2. a fresh project, the files copied in, the doc's install lines as written ---------
PROJECT="$WORK/project"
mkdir -p "$PROJECT" "$WORK/pulumi-home" "$WORK/state"
cp "$TGZ" "$PROJECT/"
# This machine's plugin tarball only (the doc's glob must match one file).
OS="$(node -p '({ linux: "linux", darwin: "darwin" })[process.platform] || process.platform')"
ARCH="$(node -p '({ x64: "amd64", arm64: "arm64" })[process.arch] || process.arch')"
cp "$ROOT/pulumi-resource-rackspace-v$VERSION-$OS-$ARCH.tar.gz" "$PROJECT/"
cat >"$PROJECT/package.json" <<'EOF'
{
  "name": "install-lines-check",
  "private": true,
  "main": "index.js"
}
EOF
cat >"$PROJECT/Pulumi.yaml" <<'EOF'
name: install-lines-check
runtime:
  name: nodejs
  options:
    typescript: false
main: index.js
EOF
cat >"$PROJECT/index.js" <<'EOF'
// Both faces from the installed package: the dynamic resource, and the plugin's Ticket (run by the installed plugin).
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const { Ticket } = require("pulumi-rackspace-ticketing/plugin");
const args = { accountId: "hybrid:100001", subject: "Install lines check", category: "Change", subcategory: "General", description: "Previewed only." };
const dynamic = new RackspaceTicket("dynamic-ticket", args);
const plugin = new Ticket("plugin-ticket", { ...args, subject: "Install lines check (plugin)" });
exports.ids = [dynamic.ticketId, plugin.ticketId];
EOF

export PULUMI_HOME="$WORK/pulumi-home"
export PULUMI_BACKEND_URL="file://$WORK/state"
export PULUMI_CONFIG_PASSPHRASE="install-lines-check"
export PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
unset npm_config_ignore_scripts
for v in $(env | grep -oE '^RACKSPACE_[A-Z_]+' || true); do unset "$v"; done

log "running docs/install.md's install-check lines in $PROJECT"
(
  cd "$PROJECT"
  set -x
  eval "$INSTALL_LINES"
) >&2
grep -q '"pulumi-rackspace-ticketing": "file:' "$PROJECT/package.json" || die "npm did not record the package in package.json"

# --- 3. the tiny program: pulumi preview against the installed package's simulator -------
cd "$PROJECT"
log "starting the simulator (the installed package's rackspace-ticketing-sim --port 0)"
# The bin itself (a node script), not npx, so that SIM_PID is the simulator's own process.
node_modules/.bin/rackspace-ticketing-sim --port 0 --window-ms 1000 >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
for _ in $(seq 1 100); do grep -q '^  resources: ' "$WORK/sim.log" && break; sleep 0.1; done
url() { grep -oE "^  $1: +http://[^ ]+" "$WORK/sim.log" | awk '{ print $2 }'; }
IDENTITY="$(url identity)"; TICKETING="$(url ticketing)"; RESOURCES="$(url resources)"
[[ -n "$IDENTITY" && -n "$TICKETING" && -n "$RESOURCES" ]] || die "the simulator printed no URLs: $(cat "$WORK/sim.log")"

STACK=check
pulumi stack init "$STACK" --non-interactive >&2
pulumi config set-all --stack "$STACK" --non-interactive \
  --plaintext rackspace:username=demo \
  --plaintext "rackspace:identityUrl=$IDENTITY" \
  --plaintext "rackspace:ticketingUrl=$TICKETING" \
  --plaintext "rackspace:resourcesUrl=$RESOURCES" \
  --plaintext rackspace:rateWindowMs=1000 \
  --secret rackspace:apiKey=demo-api-key >&2
log "pulumi preview"
if ! pulumi preview --stack "$STACK" --non-interactive --color never >"$WORK/preview.log" 2>&1; then
  cat "$WORK/preview.log" >&2
  die "pulumi preview failed"
fi
cat "$WORK/preview.log" >&2
grep -qE '^ *\+ +rackspace:ticketing:Ticket +plugin-ticket +create' "$WORK/preview.log" || die "the preview plans no plugin-ticket (the plugin's rackspace:ticketing:Ticket)"
grep -qE '^ *\+ +pulumi-nodejs:dynamic/rackspace:Ticket +dynamic-ticket +create' "$WORK/preview.log" || die "the preview plans no dynamic-ticket (the dynamic RackspaceTicket)"
pulumi stack rm "$STACK" --yes --force --non-interactive >/dev/null 2>&1 || true
echo "install lines: ok"
