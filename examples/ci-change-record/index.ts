/**
 * A change record per deployment environment, kept by CI.
 *
 * One stack per environment (`staging`, `production`, `pr-42`…), one ticket per stack:
 *   - the first deployment opens the ticket; its description names that commit and pull request;
 *   - every deployment posts one comment, its `note` (the deployment summary); a re-run with
 *     the same summary posts nothing. The history lives in the stack's state (`notes`), so a
 *     fresh CI runner declares only this run's note: `pulumi up` is all the workflow runs;
 *   - `pulumi destroy` (the environment's teardown) posts the closing comment and closes the ticket.
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
      "Each deployment adds one comment; the ticket is closed when the environment is destroyed.",
    ].join("\n"),
    resources: config.getObject<string[]>("resources"),
    note: summary,
    closingComment: `The ${environment} environment was destroyed${runUrl ? ` by ${runUrl}` : ""}; closing its change record.`,
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
/** Every deployment's note on the ticket: its digest and comment id (the thread entry with that id says when). */
export const deployments = ticket.notes;
