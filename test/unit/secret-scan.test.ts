/**
 * The per-stack secret scan of the e2e helpers finds a registered secret in every form it
 * looks for (as given, JSON-escaped once or twice or as Go escapes it, base64 at any offset,
 * inside a gzipped file, deep in a backend directory, in CLI output), names where and which
 * secret, and never prints the value; clean trees pass.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { describeFindings, scanBytes, ScannedStack, scanStack, scanTree, SecretRegistry } from "../helpers/secret-scan";

const SECRET = `PIN 4711-${crypto.randomBytes(3).toString("hex")} "quoted" <b> & back\\slash ~?~?~?~?\nline two`;
const secrets = [{ label: "ticket description", value: SECRET }];
const found = (text: string | Buffer) => scanBytes(Buffer.isBuffer(text) ? text : Buffer.from(text), secrets, "f").map((f) => f.how);

describe("secret scan of e2e stacks", () => {
  it.each([
    ["as given", `before ${SECRET} after`],
    ["JSON-escaped", JSON.stringify({ outputs: { description: `${SECRET}\n\n-- \nfooter` } })],
    ["JSON-escaped twice", JSON.stringify({ plaintext: JSON.stringify({ description: SECRET }) })],
    ["JSON-escaped as Go writes it", JSON.stringify({ d: SECRET }).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026")],
    ["base64-encoded", Buffer.from(`x${SECRET}`).toString("base64")],
    ["base64-encoded", Buffer.from(`xy${SECRET}yz`).toString("base64")],
    ["base64-encoded", Buffer.from(`xyz${SECRET}`).toString("base64")],
    ["base64url-encoded", Buffer.from(`a?>${SECRET}`).toString("base64url")],
  ])("finds a secret %s", (how, text) => {
    expect(found(text)).toEqual([how]);
  });

  it("passes text without the secret, and its ciphertext-like neighbours", () => {
    expect(found(`PIN 4711 "quoted" ${Buffer.from("unrelated").toString("base64")}`)).toEqual([]);
  });

  it("refuses a value too short to be found by anything but coincidence", () => {
    expect(() => new SecretRegistry().add("pin", "4711")).toThrow(/shorter than 8 characters/);
  });

  it("reads a whole backend tree, gzipped files unpacked, and names each file and secret without its value", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "scan-backend-"));
    try {
      const hist = path.join(root, ".pulumi", "history", "proj", "dev");
      fs.mkdirSync(hist, { recursive: true });
      fs.mkdirSync(path.join(root, ".pulumi", "locks"), { recursive: true });
      fs.writeFileSync(path.join(root, ".pulumi", "meta.yaml"), "version: 1\n");
      fs.writeFileSync(path.join(hist, "dev-1.checkpoint.json"), JSON.stringify({ thread: [{ text: SECRET }] }));
      fs.writeFileSync(path.join(root, ".pulumi", "locks", "x.json.gz"), zlib.gzipSync(Buffer.from(JSON.stringify({ d: SECRET }))));
      const { files, findings } = scanTree(root, secrets, "backend");
      expect(files).toBe(3);
      expect(findings.map((f) => f.where)).toEqual(["backend/.pulumi/history/proj/dev/dev-1.checkpoint.json", "backend/.pulumi/locks/x.json.gz (unpacked)"]);
      const message = describeFindings("e2e-x", "after the test", findings);
      expect(message).toContain('secret "ticket description" in backend/.pulumi/history/proj/dev/dev-1.checkpoint.json (JSON-escaped)');
      expect(message).not.toContain("4711");
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it("scans a stack's CLI output once, with secrets of registries it includes", () => {
    const program = new SecretRegistry();
    const own = new SecretRegistry();
    own.include(program);
    own.add("rackspace:apiKey", "rt-e2e-api-key-abcdef");
    program.add("t.note", "Deployed with PIN 8812-abcdef");
    let printed = [{ command: "pulumi up --yes", text: "note: Deployed with PIN 8812-abcdef\n" }];
    const stack: ScannedStack = {
      stack: "e2e-x",
      secrets: own,
      backendDir: path.join(os.tmpdir(), "does-not-exist-scan"),
      extraFiles: () => [],
      takeOutput: () => printed.splice(0),
      dispose: async () => undefined,
    };
    expect(scanStack(stack)).toEqual([{ where: "CLI output of `pulumi up --yes`", label: "t.note", how: "as given" }]);
    expect(scanStack(stack)).toEqual([]);
    printed = [{ command: "pulumi preview", text: "ok" }];
    expect(scanStack(stack)).toEqual([]);
  });
});
