/**
 * The public entry of the simulator: startSimulator and every type and default a caller may name, nothing internal.
 *
 * A faithful local simulator of the Rackspace Identity v2.0 and Ticketing v2 APIs
 * (see the API reference kept with the project), with attachments (upload slots and their temp
 * URLs), the resources API on its own port, rate limits, fault injection, a request log, Racker
 * actions (at once, scheduled, or by rule on new tickets), JSON persistence and an admin API under /_sim/.
 *
 *   const sim = await startSimulator({ port: 0 });
 *   // point a client at sim.identityUrl / sim.ticketingUrl / sim.resourcesUrl, user "demo", key "demo-api-key"
 *   await sim.close();
 */
import { createSimulator } from "./server";
import type { SimulatorOptions } from "./types/options";
import type { Simulator } from "./types/simulator";

export type { Account, Attachment, Category, Comment, Person, Recipient, SimAttachmentInfo, SimResource, SimUser, Subcategory, Ticket } from "./types/entities";
export type { ArmedFault, DropAfterFault, DropBeforeFault, Fault, FaultKind, HangFault, StatusFault } from "./types/faults";
export type { RequestFilter, RequestLogEntry } from "./types/log";
export type { RateClass, RateLimits, SimOperation } from "./types/operations";
export type { SimQuirks, SimulatorOptions } from "./types/options";
export type { PendingRackerAction, RackerAction, RackerActionRecord, RackerRule, ScheduledRackerAction } from "./types/racker";
export type { Simulator } from "./types/simulator";
export { SIM_OPERATIONS } from "./types/operations";
export {
  DEFAULT_ACCOUNTS,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_TTL_MS,
  DEFAULT_CATEGORIES,
  DEFAULT_LIMITS,
  DEFAULT_RACKER_APPROVAL,
  DEFAULT_RACKER_NAME,
  DEFAULT_RESOURCES,
  DEFAULT_TOKEN_LIFETIME_MS,
  DEFAULT_USERS,
  DEFAULT_WINDOW_MS,
  DEMO_API_KEY,
  DEMO_USERNAME,
} from "./seed";
export { FORBIDDEN_EXTENSIONS } from "./attachment-names";
export { RESOURCES_DEFAULT_LIMIT, RESOURCES_MAX_LIMIT } from "./resources";
export { MAX_RACKER_DELAY_MS } from "./types/racker";

/** Starts a simulator (default 127.0.0.1, both listeners on ephemeral ports). Always `close()` it. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator(options);
}
