/**
 * The README's configuration table is the user's reference: every stack config key the
 * provider reads is in it, with its environment variable, and nothing else is.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_KEYS } from "../../src/config/keys";

const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

describe("README", () => {
  const section = readme.slice(readme.indexOf("## Configuration"), readme.indexOf("\n## ", readme.indexOf("## Configuration") + 5));
  const rows = section.split("\n").filter((l) => l.startsWith("| `rackspace:"));

  it("lists every stack config key with its environment variable", () => {
    for (const { key, env } of CONFIG_KEYS) {
      const row = rows.find((r) => r.startsWith(`| \`${key}\``));
      expect([key, row !== undefined]).toEqual([key, true]);
      expect(row).toContain(`\`${env}\``);
    }
  });

  it("lists no key the provider does not read", () => {
    const keys = new Set<string>(CONFIG_KEYS.map((k) => k.key));
    const listed = rows.map((r) => /^\| `(rackspace:[A-Za-z]+)`/.exec(r)?.[1]);
    expect(listed.filter((k) => !k || !keys.has(k))).toEqual([]);
  });

  it("has the sections a user adopts from", () => {
    for (const h of ["## Quick start", "## What each change does", "## Languages", "## Attachments", "## Lookups", "## Configuration", "## Rate limits", "## Failure behaviour", "## Troubleshooting", "## The simulator", "## Limits of the API"]) {
      expect(readme).toContain(h);
    }
  });
});
