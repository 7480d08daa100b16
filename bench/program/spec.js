/**
 * The inputs of ticket `i` for a phase of the benchmark. Shared by the Pulumi program
 * (bench/program/index.js) and the provider-host fallback driver, so both drive
 * exactly the same requests.
 */
"use strict";

const RESOURCE_BASE = "https://resources.api.rackspace.com/resources/dedicated:";

/** The subject of ticket `i` (how the benchmark finds it in the simulator). */
function subjectOf(tag, i) {
  return `Bench ${tag} change ${i}`;
}

/** Text of comment `k` of ticket `i`. */
function commentOf(tag, i, k) {
  return `Deployment note ${k + 1} for change ${i} (${tag})`;
}

/** The program's spec from its stack config (see index.js). */
function specFromConfig(config) {
  return {
    tickets: config.requireNumber("tickets"),
    comments: config.getNumber("comments") ?? 0,
    commentCounts: (config.get("commentCounts") ?? "").split(",").filter(Boolean).map(Number),
    resources: config.getNumber("resources") ?? 1,
    tag: config.get("tag") ?? "bench",
  };
}

/** Comments of ticket `i`: its entry of commentCounts, else spec.comments. */
function commentsOf(spec, i) {
  return spec.commentCounts?.[i] ?? spec.comments;
}

/** @param {{tag: string, comments: number, commentCounts?: number[], resources: number}} spec */
function ticketInputs(spec, i) {
  return {
    accountId: "hybrid:100001",
    subject: subjectOf(spec.tag, i),
    category: "Change",
    subcategory: "General",
    severity: "Normal",
    description: `Benchmark change ${i}: rolling out build ${i} to the DFW cluster. Rollback: redeploy the previous build.`,
    resources: Array.from({ length: spec.resources }, (_, r) => `${RESOURCE_BASE}${String(i * 10 + r).padStart(4, "0")}`),
    comments: Array.from({ length: commentsOf(spec, i) }, (_, k) => commentOf(spec.tag, i, k)),
  };
}

module.exports = { ticketInputs, subjectOf, commentOf, commentsOf, specFromConfig };
