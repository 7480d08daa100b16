/**
 * The README's main command works on what it promises: `npm run demo` (scripts/demo.js) runs a ticket's whole life against the embedded simulator, and a second run starts from where the first ended.
 *
 * It reads the stack's exported state to show the drift a refresh recorded, so a change to
 * what the state records that the demo does not follow fails here (0.5.0's first cut left
 * `modifiedBy` out of the state and the demo failed on it).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describeWithPulumiCli, ensureBuilt, REPO_ROOT, runProcess } from "../helpers/pulumi-cli";

jest.setTimeout(300_000);

describeWithPulumiCli("e2e: npm run demo (scripts/demo.js)", () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rt-demo-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const demo = () => runProcess(process.execPath, [path.join(REPO_ROOT, "scripts", "demo.js")], { cwd: REPO_ROOT, env: { ...process.env, DEMO_DIR: dir }, timeoutMs: 240_000 });

  it.each([["first"], ["second"]])("the %s run goes through every step and closes its ticket", async () => {
    const r = await demo();
    expect({ code: r.code, tail: r.code === 0 ? "" : r.output.slice(-3000) }).toEqual({ code: 0, tail: "" });
    // The drift a refresh read back, from the stack's state: the status, the Racker's reply, who changed the ticket last.
    expect(r.stdout).toMatch(/Drift recorded in the stack's state for web-tier-change:\n {2}status: "[^"]+" → "Pending Customer"\n {2}thread \+ Sam R\. \(racker\): Change approved/);
    expect(r.stdout).toMatch(/ {2}modifiedBy: Demo User → Sam R\./);
    expect(r.stdout).toMatch(/→ ticket \S+ in the simulator: Closed/);
    expect(r.stdout).toMatch(/\n5 write calls: createTicket, patchTicket, addComment, addComment, patchTicket\./);
    expect(r.output).not.toMatch(/demo failed/);
  });
});
