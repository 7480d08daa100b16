/**
 * YAML programs for the end-to-end tests of the plugin face: a project whose Pulumi.yaml (JSON
 * is YAML) declares the given resources and outputs and finds the plugin in this repository
 * (`plugins.providers`) or, with no path, where `pulumi plugin install` put it; run with
 * Pulumi's YAML language host (scripts/ensure-pulumi-yaml.sh builds it once, cached).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiProject, REPO_ROOT, uniqueStack } from "./pulumi-cli";
import { FAST_LIMITS, FAST_WINDOW_MS } from "./spec-program";

let yamlHost: { dir?: string; problem?: string } | undefined;

/** The directory holding pulumi-language-yaml (built once), or undefined with the reason in yamlHostProblem(). */
export function findYamlHost(): string | undefined {
  if (!yamlHost) {
    try {
      const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "ensure-pulumi-yaml.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20 * 60_000 });
      const dir = out.trim().split("\n").pop()?.trim();
      yamlHost = dir && fs.existsSync(path.join(dir, "pulumi-language-yaml")) ? { dir } : { problem: `scripts/ensure-pulumi-yaml.sh printed ${JSON.stringify(out.trim())}` };
    } catch (e) {
      yamlHost = { problem: `scripts/ensure-pulumi-yaml.sh failed: ${(e as { stderr?: string }).stderr ?? String(e)}` };
    }
  }
  return yamlHost.dir;
}

export function yamlHostProblem(): string | undefined {
  findYamlHost();
  return yamlHost?.problem;
}

/**
 * A YAML project in a fresh temp dir. `pluginPath`: where Pulumi.yaml's `plugins.providers`
 * points for `rackspace` (this repository by default); `null` writes no `plugins` at all,
 * so the engine finds the plugin the way it finds any installed one (`pulumi plugin install`).
 */
export class YamlProgram {
  readonly dir: string;
  constructor(
    readonly name: string,
    readonly pluginPath: string | null = REPO_ROOT,
  ) {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), "rackspace-e2e-yaml-"));
    this.write({});
  }

  /** Rewrites Pulumi.yaml with these resources (and outputs, variables). */
  write(resources: Record<string, unknown>, outputs: Record<string, unknown> = {}, variables: Record<string, unknown> = {}): void {
    const project = {
      name: this.name,
      runtime: "yaml",
      ...(this.pluginPath !== null ? { plugins: { providers: [{ name: "rackspace", path: this.pluginPath }] } } : {}),
      ...(Object.keys(variables).length > 0 ? { variables } : {}),
      resources,
      outputs,
    };
    fs.writeFileSync(path.join(this.dir, "Pulumi.yaml"), `${JSON.stringify(project, null, 2)}\n`);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A stack of a YAML program configured for the simulator (fast window and limits), with the YAML host on PATH. */
export async function yamlStack(program: YamlProgram, sim: { ticketingUrl: string; identityUrl: string; resourcesUrl?: string }, purpose: string): Promise<PulumiProject> {
  const host = findYamlHost();
  if (!host) throw new Error(`no YAML language host: ${yamlHostProblem()}`);
  const project = await PulumiProject.create({ dir: program.dir, stack: uniqueStack(purpose) });
  project.env.PATH = `${host}${path.delimiter}${project.env.PATH}`;
  await project.configureForSimulator(sim, FAST_WINDOW_MS);
  await project.configSetAll({
    "rackspace:rateLimitCreate": String(FAST_LIMITS.create),
    "rackspace:rateLimitPatch": String(FAST_LIMITS.patch),
    "rackspace:rateLimitComment": String(FAST_LIMITS.comment),
    "rackspace:rateLimitRead": String(FAST_LIMITS.read),
  });
  return project;
}
