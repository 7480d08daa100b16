/**
 * The simulator's house rules, checked on its sources: every file under 300 lines and opening
 * with its guarantee comment, and no import cycle anywhere in src/simulator.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "src", "simulator");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** The simulator files a file imports (relative imports and re-exports, type-only ones included). */
function imports(file: string): string[] {
  const text = fs.readFileSync(file, "utf8");
  return [...text.matchAll(/^(?:import|export)\b[^;]*?\bfrom\s+"(\.[^"]+)"/gms)].map((m) => {
    const base = path.resolve(path.dirname(file), m[1]);
    const found = [`${base}.ts`, path.join(base, "index.ts")].find((c) => fs.existsSync(c));
    if (!found) throw new Error(`${path.relative(ROOT, file)} imports ${m[1]}, which does not resolve`);
    return found;
  });
}

/** Every import cycle, as "a.ts → b.ts → a.ts". */
function cycles(files: string[]): string[] {
  const graph = new Map(files.map((f) => [f, imports(f)]));
  const state = new Map<string, "open" | "done">();
  const found: string[] = [];
  const visit = (f: string, stack: string[]) => {
    state.set(f, "open");
    stack.push(f);
    for (const d of graph.get(f) ?? []) {
      if (state.get(d) === "open") found.push([...stack.slice(stack.indexOf(d)), d].map((x) => path.relative(ROOT, x)).join(" → "));
      else if (!state.has(d)) visit(d, stack);
    }
    stack.pop();
    state.set(f, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f, []);
  return found;
}

const files = sources(ROOT);

describe("src/simulator structure", () => {
  it("finds the simulator's sources", () => {
    expect(files.map((f) => path.relative(ROOT, f))).toEqual(expect.arrayContaining(["index.ts", "server.ts", "pipeline/run.ts", "types/simulator.ts"]));
  });

  it.each(files.map((f) => [path.relative(ROOT, f), f]))("%s is at most 300 lines and opens with its guarantee comment", (_name, file) => {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    expect(lines.length).toBeLessThanOrEqual(301);
    const body = lines[0].startsWith("#!") ? lines.slice(1) : lines;
    expect(body[0]).toBe("/**");
    expect(body[1]).toMatch(/^ \* \S.{20,}$/);
  });

  it("has no import cycle", () => {
    expect(cycles(files)).toEqual([]);
  });

  it("detects a cycle when there is one", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-cycle-"));
    try {
      fs.writeFileSync(path.join(dir, "a.ts"), 'import type { B } from "./b";\nexport type A = B;\n');
      fs.writeFileSync(path.join(dir, "b.ts"), 'import type { A } from "./a";\nexport type B = A | 1;\n');
      expect(cycles([path.join(dir, "a.ts"), path.join(dir, "b.ts")])).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
