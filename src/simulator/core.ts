/**
 * Everything one simulator run holds — stores, limits, log, faults — built from SimulatorOptions, each option checked first.
 */
import { AttachmentService } from "./attachments";
import { FaultQueue } from "./faults";
import { HeldRequests } from "./holds";
import { RequestLog } from "./log";
import { SlidingWindow } from "./ratelimit";
import { RackerScheduler } from "./racker";
import { checkResources } from "./resources";
import {
  DEFAULT_ACCOUNTS,
  DEFAULT_ATTACHMENT_MAX_BYTES,
  DEFAULT_ATTACHMENT_TTL_MS,
  DEFAULT_CATEGORIES,
  DEFAULT_LIMITS,
  DEFAULT_RESOURCES,
  DEFAULT_TOKEN_LIFETIME_MS,
  DEFAULT_USERS,
  DEFAULT_WINDOW_MS,
} from "./seed";
import { TicketStore } from "./state";
import { TicketService } from "./tickets";
import { TokenStore } from "./tokens";
import type { SimResource, SimUser } from "./types/entities";
import type { RateLimits } from "./types/operations";
import type { SimQuirks, SimulatorOptions } from "./types/options";

function parseEnvWindow(): number | undefined {
  const raw = process.env.RACKSPACE_RATE_WINDOW_MS;
  if (raw === undefined || raw.trim() === "") return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`RACKSPACE_RATE_WINDOW_MS must be a positive number of milliseconds, got '${raw}'`);
  return n;
}

/** Throws a RangeError naming an unknown rate-limit class or a limit that is not a non-negative integer. */
export function assertLimits(limits: Partial<RateLimits>): void {
  for (const [k, v] of Object.entries(limits)) {
    if (!(k in DEFAULT_LIMITS)) throw new RangeError(`unknown rate-limit class '${k}' (${Object.keys(DEFAULT_LIMITS).join(", ")})`);
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new RangeError(`limit '${k}' must be a non-negative integer, got ${v}`);
  }
}

function positive(name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isFinite(n) || n <= 0) throw new RangeError(`${name} must be a positive number, got ${n}`);
  return n;
}

function checkUsers(users: SimUser[]): SimUser[] {
  const names = new Set<string>();
  for (const u of users) {
    if (names.has(u.username)) throw new RangeError(`duplicate simulator user '${u.username}'`);
    names.add(u.username);
  }
  return users;
}

export class SimCore {
  /** Base URL of the main listener; "" until it listens. */
  url = "";
  /** Base URL of the resources listener; "" until it listens. */
  resourcesUrl = "";
  limits: RateLimits;

  readonly users: readonly SimUser[];
  readonly quirks: Required<SimQuirks>;
  readonly rateLimitScope: "user" | "token" | "account";
  readonly window: SlidingWindow;
  readonly tokenStore: TokenStore;
  readonly log: RequestLog;
  readonly logger?: (line: string) => void;
  readonly devices: readonly SimResource[];
  readonly store: TicketStore;
  readonly files: AttachmentService;
  readonly service: TicketService;
  readonly faultQueue = new FaultQueue();
  readonly holds = new HeldRequests();
  readonly racker: RackerScheduler;

  constructor(options: SimulatorOptions) {
    this.window = new SlidingWindow(options.windowMs ?? parseEnvWindow() ?? DEFAULT_WINDOW_MS);
    if (options.limits) assertLimits(options.limits);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.rateLimitScope = options.rateLimitScope ?? "token";
    this.users = checkUsers(structuredClone(options.users ?? [...DEFAULT_USERS]));
    this.quirks = {
      patchStatus: options.quirks?.patchStatus ?? 204,
      commentStatus: options.quirks?.commentStatus ?? 204,
      createStatus: options.quirks?.createStatus ?? 200,
      remapSubcategory: options.quirks?.remapSubcategory ?? false,
    };
    const lifetime = options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS;
    if (!Number.isFinite(lifetime) || lifetime <= 0) throw new RangeError(`tokenLifetimeMs must be positive, got ${lifetime}`);
    this.tokenStore = new TokenStore(lifetime);
    this.log = new RequestLog(options.maxLogEntries);
    this.logger = options.logger;
    const ttlMs = positive("attachmentTtlMs", options.attachmentTtlMs, DEFAULT_ATTACHMENT_TTL_MS);
    const maxBytes = positive("attachmentMaxBytes", options.attachmentMaxBytes, DEFAULT_ATTACHMENT_MAX_BYTES);
    if (!Number.isInteger(maxBytes)) throw new RangeError(`attachmentMaxBytes must be a whole number of bytes, got ${maxBytes}`);
    this.devices = checkResources(options.resources ?? DEFAULT_RESOURCES);
    this.store = new TicketStore(options.dataFile);
    this.files = new AttachmentService(this.store, { ttlMs, maxBytes }, () => this.url);
    this.service = new TicketService(
      this.store,
      structuredClone(options.accounts ?? [...DEFAULT_ACCOUNTS]),
      structuredClone(options.categories ?? [...DEFAULT_CATEGORIES]),
      this.quirks,
      this.files,
    );
    this.racker = new RackerScheduler(
      { act: (id, action) => this.service.racker(id, action), ticket: (id) => this.store.get(id), logger: this.logger },
      options.racker ?? [],
    );
    this.service.onCreate((t) => this.racker.ticketCreated(t));
  }

  /** The account of a stored ticket (for the account rate-limit scope). */
  ticketAccount(ticketId: string): string | undefined {
    return this.store.get(ticketId)?.accountId;
  }

  /** The configured user with this username, if any. */
  user(username: string): SimUser | undefined {
    return this.users.find((u) => u.username === username);
  }
}
