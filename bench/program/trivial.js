/**
 * The yardstick of `npm run bench`'s preview figure: the same N resources with the same
 * inputs as bench/program/index.js, as trivial dynamic resources whose provider makes no
 * API call (create returns its inputs; no check, diff or read of its own).
 */
"use strict";
const pulumi = require("@pulumi/pulumi");
const { specFromConfig, ticketInputs } = require("./spec");

const provider = {
  async create(inputs) {
    return { id: inputs.subject, outs: inputs };
  },
};

class Trivial extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, args, opts, "bench", "Trivial");
  }
}

const spec = specFromConfig(new pulumi.Config("bench"));
for (let i = 0; i < spec.tickets; i++) new Trivial(`trivial-${i}`, ticketInputs(spec, i));
