/**
 * Test helpers around the embedded simulator: start one on loopback with a short
 * rate window, and build environments that point a client or provider at it.
 */
import { startSimulator, Simulator, SimulatorOptions } from "../../src/simulator";
import { resetSharedLimiters } from "../../src/api/limiter";
import { resetTokenCache } from "../../src/api/identity";

export const DEMO_USER = "demo";
export const DEMO_KEY = "demo-api-key";

export async function startSim(options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, windowMs: 1000, ...options });
}

/** Client options for the simulator, with the rate window matched to it. */
export function clientOptions(sim: Simulator, extra: Record<string, unknown> = {}) {
  return {
    ticketingUrl: sim.ticketingUrl,
    identityUrl: sim.identityUrl,
    username: DEMO_USER,
    apiKey: DEMO_KEY,
    windowMs: 1000,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...extra,
  };
}

/** A config source for RackspaceTicketProvider.configure pointing at the simulator. */
export function providerConfig(sim: Simulator, extra: Record<string, string> = {}) {
  const values: Record<string, string> = {
    "rackspace:username": DEMO_USER,
    "rackspace:apiKey": DEMO_KEY,
    "rackspace:ticketingUrl": sim.ticketingUrl,
    "rackspace:identityUrl": sim.identityUrl,
    "rackspace:rateWindowMs": "1000",
    ...extra,
  };
  return { get: (k: string) => values[k] };
}

/** Fresh process-wide state between tests: limiters and tokens. */
export function resetClientState(): void {
  resetSharedLimiters();
  resetTokenCache();
}

/** Environment with every RACKSPACE_* variable removed. */
export function envWithoutRackspace(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("RACKSPACE_") && v !== undefined) env[k] = v;
  return env;
}

/** Opens a ticket directly against the simulator's API, as a person would in the portal; returns its id. */
export async function openTicketByHand(sim: Simulator, ticket: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${sim.ticketingUrl}/tickets`, {
    method: "POST",
    headers: { "X-Auth-Token": sim.issueToken(DEMO_USER), "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(ticket),
  });
  if (res.status !== 200) throw new Error(`opening a ticket by hand failed: HTTP ${res.status} ${await res.text()}`);
  return ((await res.json()) as { ticketId: string }).ticketId;
}

/**
 * The documented attachment flow by hand, as a person would with curl: POST /attachment for a
 * slot, then PUT the bytes to its upload URL (no token there). Returns the `{filename, uuid}` a
 * ticket or comment takes.
 */
export async function attachByHand(sim: Simulator, filename: string, content: string | Buffer, token = sim.issueToken(DEMO_USER)): Promise<{ filename: string; uuid: string }> {
  const form = new FormData();
  form.append("filename", new Blob([]), filename);
  const res = await fetch(`${sim.ticketingUrl}/attachment`, { method: "POST", headers: { "X-Auth-Token": token, Accept: "application/json" }, body: form });
  if (res.status !== 201) throw new Error(`POST /attachment failed: HTTP ${res.status} ${await res.text()}`);
  const slot = (await res.json()) as { uuid: string; upload_url: string };
  const put = await fetch(slot.upload_url, { method: "PUT", body: typeof content === "string" ? content : new Uint8Array(content) });
  if (put.status !== 201) throw new Error(`upload failed: HTTP ${put.status} ${await put.text()}`);
  return { filename, uuid: slot.uuid };
}

/** Posts a comment on a ticket directly against the simulator's API, as a person would in the portal. */
export async function commentByHand(sim: Simulator, ticketId: string, text: string): Promise<void> {
  const res = await fetch(`${sim.ticketingUrl}/tickets/${encodeURIComponent(ticketId)}/comments`, {
    method: "POST",
    headers: { "X-Auth-Token": sim.issueToken(DEMO_USER), "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ comment: { text } }),
  });
  if (res.status >= 300) throw new Error(`commenting by hand failed: HTTP ${res.status} ${await res.text()}`);
}
