/**
 * docs/install.md's install lines work as written: scripts/check-install-lines.sh runs its
 * `install-build` lines in the checkout and its `install-check` lines (the npm package from its
 * tarball, the plugin with `pulumi plugin install --file`) in a fresh project, then previews a tiny
 * program using both against the simulator. A doc naming another version than package.json's
 * fails before anything is built; and the README's Quick start points at the doc.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWithPulumiCli, ensureBuilt, REPO_ROOT, runProcess } from "../helpers/pulumi-cli";

jest.setTimeout(900_000);

const SCRIPT = path.join(REPO_ROOT, "scripts", "check-install-lines.sh");
const DOC = path.join(REPO_ROOT, "docs", "install.md");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version: VERSION } = require(path.join(REPO_ROOT, "package.json")) as { version: string };

/** The environment without RACKSPACE_* variables. */
function env(extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith("RACKSPACE_")) out[k] = v;
  return { ...out, ...extra };
}

describe("docs/install.md", () => {
  const doc = fs.readFileSync(DOC, "utf8");

  it("marks the build lines and the npm and plugin install lines for the check, at package.json's version", () => {
    expect(doc).toContain("```sh install-build\nnpm pack\nnpm run plugin-tarball\n```");
    expect(doc).toContain(`\`\`\`sh install-check\nnpm install ./pulumi-rackspace-ticketing-${VERSION}.tgz @pulumi/pulumi\n\`\`\``);
    expect(doc).toContain(`\`\`\`sh install-check\npulumi plugin install resource rackspace ${VERSION} --file ./pulumi-resource-rackspace-v${VERSION}-*.tar.gz\n\`\`\``);
    // The Python and Go SDKs, and what each command becomes once published.
    expect(doc).toMatch(/pip install \.\/sdk\/python/);
    expect(doc).toMatch(/^replace \S+ => /m);
    expect(doc.match(/^Once published/gm)?.length).toBe(4);
  });

  it("is where the README's Quick start sends the reader to install", () => {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const quickStart = readme.slice(readme.indexOf("## Quick start"), readme.indexOf("\n## ", readme.indexOf("## Quick start") + 5));
    expect(quickStart).toContain("(docs/install.md)");
    expect(quickStart).not.toMatch(/^npm install pulumi-rackspace-ticketing\b/m);
    for (const m of quickStart.matchAll(/pulumi-rackspace-ticketing-(\d+\.\d+\.\d+\S*)\.tgz/g)) expect(m[1]).toBe(VERSION);
  });
});

describeWithPulumiCli("e2e: scripts/check-install-lines.sh", () => {
  let work = "";
  beforeAll(() => {
    ensureBuilt();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-install-doc-"));
  });
  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  test("refuses a doc whose install lines name another version, before building anything", async () => {
    const stale = path.join(work, "install.md");
    fs.writeFileSync(stale, fs.readFileSync(DOC, "utf8").replace(`rackspace ${VERSION} --file`, "rackspace 0.0.1 --file"));
    const r = await runProcess("bash", [SCRIPT], { cwd: REPO_ROOT, env: env({ CHECK_INSTALL_DOC: stale, CHECK_INSTALL_SKIP_BUILD: "1" }), timeoutMs: 120_000 });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`names another version than package.json's ${VERSION}: rackspace 0.0.1`);
  });

  test("the install lines, run as written in a fresh project, install both pieces and a program using them previews against the simulator", async () => {
    const r = await runProcess("bash", [SCRIPT], { cwd: REPO_ROOT, env: env({ CHECK_INSTALL_SKIP_BUILD: "1" }), timeoutMs: 840_000 });
    expect({ code: r.code, output: r.code === 0 ? "" : r.output }).toEqual({ code: 0, output: "" });
    expect(r.stdout.trim().split("\n").pop()).toBe("install lines: ok");
    expect(r.stderr).toContain(`++ pulumi plugin install resource rackspace ${VERSION} --file ./pulumi-resource-rackspace-v${VERSION}-`);
    expect(r.stderr).toMatch(/\+ +rackspace:ticketing:Ticket +plugin-ticket +create/);
  });
});
