/** The post-e2e security scan finds what it is there to find, and passes clean output. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.resolve(__dirname, "..", "..", "scripts", "security-scan.js");

function scan(files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "scan-"));
  try {
    for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
    const r = spawnSync(process.execPath, [SCRIPT], { env: { ...process.env, SECURITY_SCAN_DIR: dir }, encoding: "utf8" });
    return { code: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("security scan", () => {
  it("passes clean CLI output", () => {
    const r = scan({ "a.log": "Updating (dev):\n + created\nMarker: pulumi-rt-0123456789abcdef\nsha " + "a".repeat(64) });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/1 files, .* 0 findings/);
  });

  it.each([
    ["an API key", "error: bad key demo-api-key"],
    ["a token", `token ${"0123456789abcdef".repeat(3)} leaked`],
    ["an auth header", "X-Auth-Token: abc"],
    ["an apiKey field", '{"apiKey":"s3cr3t"}'],
  ])("fails on %s, naming file and line", (_what, line) => {
    const r = scan({ "b.log": `ok\n${line}\n` });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/b\.log:2: /);
  });

  it("accepts a redacted apiKey", () => {
    expect(scan({ "c.log": '{"apiKey":"***"}' }).code).toBe(0);
  });
});
