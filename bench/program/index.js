/**
 * The Pulumi program of `npm run bench` (copied into a temp dir per run): N change
 * tickets whose inputs come from stack config, so each phase of the benchmark changes
 * them with `pulumi config set-all`:
 *
 *   bench:tickets        N
 *   bench:comments       comments per ticket (0 in the create phase, 2 in the update)
 *   bench:commentCounts  optional "a,b,...": comments of tickets 0, 1, ... (the others: bench:comments)
 *   bench:resources      resource URLs per ticket (1, then 2: one PATCH each)
 *   bench:tag            run tag, in the subjects (fresh simulator per run anyway)
 *   bench:face           `plugin`: the provider plugin's Ticket (pulumi-rackspace-ticketing/plugin)
 *                        instead of the dynamic RackspaceTicket (default)
 */
"use strict";
const pulumi = require("@pulumi/pulumi");
const { specFromConfig, ticketInputs } = require("./spec");

const config = new pulumi.Config("bench");
const spec = specFromConfig(config);
const TicketClass = config.get("face") === "plugin" ? require("pulumi-rackspace-ticketing/plugin").Ticket : require("pulumi-rackspace-ticketing").RackspaceTicket;
const ids = [];
for (let i = 0; i < spec.tickets; i++) {
  const t = new TicketClass(`ticket-${i}`, ticketInputs(spec, i));
  ids.push(t.ticketId);
}

module.exports = { ticketIds: ids };
