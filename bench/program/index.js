/**
 * The Pulumi program of `npm run bench` (copied into a temp dir per run): N change
 * tickets whose inputs come from stack config, so each phase of the benchmark changes
 * them with `pulumi config set-all`:
 *
 *   bench:tickets    N
 *   bench:comments   comments per ticket (0 in the create phase, 2 in the update)
 *   bench:resources  resource URLs per ticket (1, then 2: one PATCH each)
 *   bench:tag        run tag, in the subjects (fresh simulator per run anyway)
 */
"use strict";
const pulumi = require("@pulumi/pulumi");
const { RackspaceTicket } = require("pulumi-rackspace-ticketing");
const { ticketInputs } = require("./spec");

const config = new pulumi.Config("bench");
const spec = {
  tickets: config.requireNumber("tickets"),
  comments: config.getNumber("comments") ?? 0,
  resources: config.getNumber("resources") ?? 1,
  tag: config.get("tag") ?? "bench",
};

const ids = [];
for (let i = 0; i < spec.tickets; i++) {
  const t = new RackspaceTicket(`ticket-${i}`, ticketInputs(spec, i));
  ids.push(t.ticketId);
}

module.exports = { ticketIds: ids };
