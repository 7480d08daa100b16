/**
 * A change record per deployment environment, kept by CI.
 *
 * One stack per environment (`staging`, `production`, `pr-42`…), one ticket per stack:
 *   - the first deployment opens the ticket; its description names that commit and pull request;
 *   - every deployment appends one comment (the deployment summary);
 *   - `pulumi destroy` (the environment's teardown) closes the ticket.
 *
 * The comments already posted come back in through PREVIOUS_DEPLOYMENTS: the workflow reads the
 * stack's own `deployments` output before `pulumi up` and this program appends this run's
 * summary (the ticket's history is append-only, so the list must start with what is posted):
 *
 *   PREVIOUS_DEPLOYMENTS="$(pulumi stack output deployments --json 2>/dev/null || echo '[]')" pulumi up
 */
import * as pulumi from "@pulumi/pulumi";
import { RackspaceTicket } from "pulumi-rackspace-ticketing";

const config = new pulumi.Config();
const env = process.env;
/** A non-empty environment variable, else undefined. */
const fromEnv = (name: string): string | undefined => (env[name]?.trim() ? env[name]?.trim() : undefined);

const environment = config.get("environment") ?? pulumi.getStack();
const repository = fromEnv("GITHUB_REPOSITORY") ?? config.get("repository") ?? pulumi.getProject();
const commit = fromEnv("GITHUB_SHA") ?? config.get("commit") ?? "unknown commit";
const ref = fromEnv("GITHUB_REF") ?? config.get("ref");
// GitHub sets no PR number variable: the workflow passes PR_NUMBER, and pull_request runs
// have it in GITHUB_REF (refs/pull/42/merge) as well.
const pullRequest = fromEnv("PR_NUMBER") ?? /^refs\/pull\/(\d+)\//.exec(ref ?? "")?.[1] ?? config.get("pullRequest");
const runUrl =
  fromEnv("GITHUB_RUN_ID") !== undefined
    ? `${fromEnv("GITHUB_SERVER_URL") ?? "https://github.com"}/${repository}/actions/runs/${fromEnv("GITHUB_RUN_ID")}`
    : config.get("runUrl");

const change = [`commit ${commit}`, ref && `ref ${ref}`, pullRequest && `pull request #${pullRequest}`].filter(Boolean).join(", ");
const summary =
  fromEnv("DEPLOY_SUMMARY") ??
  config.get("summary") ??
  `Deployed ${commit.slice(0, 12)}${pullRequest ? ` (pull request #${pullRequest})` : ""} to ${environment}${runUrl ? `: ${runUrl}` : "."}`;

/** What is already on the ticket: the stack's previous `deployments` output, as JSON. */
function previousDeployments(): string[] {
  const raw = fromEnv("PREVIOUS_DEPLOYMENTS");
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new Error(`PREVIOUS_DEPLOYMENTS must be the JSON of \`pulumi stack output deployments --json\`, got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) {
    throw new Error("PREVIOUS_DEPLOYMENTS must be a JSON array of strings (`pulumi stack output deployments --json`)");
  }
  return parsed;
}

const ticket = new RackspaceTicket(
  "change-record",
  {
    accountId: config.get("accountId") ?? "hybrid:100001",
    // Stable across runs: changing the subject would open a new ticket.
    subject: `Change record: ${pulumi.getProject()} / ${environment}`,
    category: "Change",
    subcategory: "General",
    severity: "Normal",
    description: [
      `Change record of the ${environment} environment of ${repository}.`,
      `Opened by the deployment of ${change}.`,
      ...(runUrl ? [`CI run: ${runUrl}`] : []),
      "Each deployment is added as a comment; the ticket is closed when the environment is destroyed.",
    ].join("\n"),
    resources: config.getObject<string[]>("resources"),
    comments: [...previousDeployments(), summary],
  },
  {
    // The description records the deployment that opened the ticket. Later commits go into
    // the comments: without this, a new commit would change the description and so open a
    // new ticket (a replacement) on every deployment.
    ignoreChanges: ["description"],
  },
);

export const environmentName = environment;
export const ticketId = ticket.ticketId;
export const status = ticket.status;
/** The deployment summaries posted so far: the next run's PREVIOUS_DEPLOYMENTS. */
export const deployments = ticket.comments;
