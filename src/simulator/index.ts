/**
 * A faithful local simulator of the Rackspace Identity v2.0 and Ticketing v2 APIs
 * (see /work/shared/rackspace-ticketing-api.md), with rate limits, fault injection, a request
 * log, Racker actions, JSON persistence and an admin API under /_sim/.
 *
 *   const sim = await startSimulator({ port: 0 });
 *   // point a client at sim.identityUrl / sim.ticketingUrl, user "demo", key "demo-api-key"
 *   await sim.close();
 */
import { createSimulator } from "./server";
import type { Simulator, SimulatorOptions } from "./types";

export type {
  Account,
  ArmedFault,
  Attachment,
  Category,
  Comment,
  DropAfterFault,
  DropBeforeFault,
  Fault,
  FaultKind,
  HangFault,
  Person,
  RackerAction,
  RateClass,
  RateLimits,
  Recipient,
  RequestFilter,
  RequestLogEntry,
  SimOperation,
  SimQuirks,
  SimUser,
  Simulator,
  SimulatorOptions,
  StatusFault,
  Subcategory,
  Ticket,
} from "./types";
export { SIM_OPERATIONS } from "./types";
export {
  DEFAULT_ACCOUNTS,
  DEFAULT_CATEGORIES,
  DEFAULT_LIMITS,
  DEFAULT_TOKEN_LIFETIME_MS,
  DEFAULT_USERS,
  DEFAULT_WINDOW_MS,
  DEMO_API_KEY,
  DEMO_USERNAME,
} from "./seed";

/** Starts a simulator (default 127.0.0.1 on an ephemeral port). Always `close()` it. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator(options);
}
