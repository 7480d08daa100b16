/**
 * The layers of src/, checked on its sources: no file imports a layer above its own, and no import circle anywhere in src/.
 *
 * Bottom to top: api (the HTTP client) → config (stack config read as client options) →
 * lookups (the program's data sources) → core (the ticket logic: core itself, then history,
 * gate, ticket, comment) → faces (what the engine talks to: the dynamic provider and the
 * plugin, over the shared engine log) → src/index.ts (the package's entry). The core imports
 * nothing from @pulumi/pulumi, directly or through what it imports. The simulator stands
 * apart: it imports none of them, and none of them imports it. docs/architecture.md draws
 * the same picture.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SRC = path.resolve(__dirname, "..", "..", "src");

/** Each room, with the rooms its files may import (its own always included). */
const BELOW_CORE = ["lookups", "config", "api"];
const CORE = ["core", "core/history", "core/gate", "core/ticket", "core/comment"];
const MAY_IMPORT: Record<string, readonly string[]> = {
  api: ["api"],
  config: ["config", "api"],
  lookups: ["lookups", "config", "api"],
  core: ["core", ...BELOW_CORE],
  "core/history": ["core/history", "core", ...BELOW_CORE],
  "core/gate": ["core/gate", "core/history", "core", ...BELOW_CORE],
  "core/ticket": ["core/ticket", "core/gate", "core/history", "core", ...BELOW_CORE],
  "core/comment": ["core/comment", "core/ticket", "core/history", "core", ...BELOW_CORE],
  faces: ["faces", ...CORE, ...BELOW_CORE],
  "faces/dynamic": ["faces/dynamic", "faces", ...CORE, ...BELOW_CORE],
  "faces/plugin": ["faces/plugin", "faces", ...CORE, ...BELOW_CORE],
  index: ["index", "faces/dynamic", "faces/plugin", "faces", ...CORE, ...BELOW_CORE],
  simulator: ["simulator"],
};

/** Rooms with rooms inside: a file there belongs to its second folder's room (or the first folder's, at its top). */
const NESTED = ["core", "faces"];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The room of a file: its first folder under `root` ("index" for a file at the top), two folders deep in core and faces. */
function roomOf(file: string, root: string): string {
  const parts = path.relative(root, file).split(path.sep);
  if (parts.length === 1) return "index";
  return NESTED.includes(parts[0]) && parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** The files a file imports (relative imports and re-exports, type-only ones and `import("…")` types included). */
function imports(file: string, root: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  const specs = [
    ...[...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gms)].map((m) => m[1]),
    ...[...text.matchAll(/\b(?:import|require)\(\s*"(\.[^"]+)"\s*\)/g)].map((m) => m[1]),
  ];
  // Data files (package.json) are no module of a room.
  return specs.filter((s) => !s.endsWith(".json")).map((s) => {
    const base = path.resolve(path.dirname(file), s);
    const found = [`${base}.ts`, path.join(base, "index.ts")].find((c) => fs.existsSync(c));
    if (!found) throw new Error(`${path.relative(root, file)} imports ${s}, which does not resolve`);
    return found;
  });
}

/** Every import that reaches a room its file may not import, as "a.ts → b.ts". */
function upward(files: string[], root: string): string[] {
  return files.flatMap((f) => {
    const allowed = MAY_IMPORT[roomOf(f, root)] ?? [];
    return imports(f, root)
      .filter((d) => !allowed.includes(roomOf(d, root)))
      .map((d) => `${path.relative(root, f)} → ${path.relative(root, d)}`);
  });
}

/** Every import circle, as "a.ts → b.ts → a.ts". */
function cycles(files: string[], root: string): string[] {
  const graph = new Map(files.map((f) => [f, imports(f, root)]));
  const state = new Map<string, "open" | "done">();
  const found: string[] = [];
  const visit = (f: string, stack: string[]) => {
    state.set(f, "open");
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === "open") found.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(root, x)).join(" → "));
      else if (!state.has(d)) visit(d, stack);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f, []);
  return found;
}

/** A throwaway src/ tree: `files` maps a path to its text. */
function plant(files: Record<string, string>): { root: string; files: string[] } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "layering-"));
  for (const [p, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), text);
  }
  return { root, files: sources(root) };
}

const files = sources(SRC);

describe("src/ layering", () => {
  it("finds every room's sources", () => {
    const rooms = new Set(files.map((f) => roomOf(f, SRC)));
    // faces/plugin is planned; the other rooms must all have sources.
    expect([...rooms].sort()).toEqual(Object.keys(MAY_IMPORT).filter((r) => r !== "faces/plugin" || rooms.has(r)).sort());
  });

  it("keeps @pulumi/pulumi out of the core and everything it imports", () => {
    const core = files.filter((f) => roomOf(f, SRC).startsWith("core"));
    const graph = new Map(files.map((f) => [f, imports(f, SRC)]));
    const seen = new Set<string>();
    const stack = [...core];
    while (stack.length > 0) {
      const f = stack.pop() as string;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(graph.get(f) ?? []));
    }
    const pulumi = [...seen].filter((f) => /["']@pulumi\/pulumi[/"']/.test(fs.readFileSync(f, "utf8"))).map((f) => path.relative(SRC, f));
    expect(pulumi).toEqual([]);
    expect(seen.size).toBeGreaterThan(core.length);
  });

  it("has no file importing a room above its own (or the simulator, or from it)", () => {
    expect(upward(files, SRC)).toEqual([]);
  });

  it("has no import circle", () => {
    expect(cycles(files, SRC)).toEqual([]);
  });

  it("sees an upward import and a circle when there are some", () => {
    const t = plant({
      "api/a.ts": 'import type { P } from "../core/p";\nexport type A = P;\n',
      "core/p.ts": 'export type P = 1;\nexport type Q = import("../simulator/s").S;\n',
      "lookups/l.ts": 'export { m } from "./m";\n',
      "lookups/m.ts": 'import { l } from "./l";\nexport const m = l;\n',
      "simulator/s.ts": "export type S = 2;\n",
      "index.ts": 'export * from "./core/p";\n',
    });
    try {
      expect(upward(t.files, t.root).sort()).toEqual([path.join("api", "a.ts") + " → " + path.join("core", "p.ts"), path.join("core", "p.ts") + " → " + path.join("simulator", "s.ts")]);
      expect(cycles(t.files, t.root)).toHaveLength(1);
    } finally {
      fs.rmSync(t.root, { recursive: true, force: true });
    }
  });
});
