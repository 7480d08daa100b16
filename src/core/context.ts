/**
 * What every operation of the provider shares: the client (built on first use from the
 * configuration `configure` read), the call context that turns waits into progress
 * lines, and the settings read from stack config. Nothing here outlives the provider.
 */
import { CallContext, TicketingClient, WaitInfo } from "../api/client";
import { monotonicNow } from "../api/clock";
import { ClientOptions, resolveConfig } from "../api/config";
import type { LineSink } from "./log";
import { label } from "./messages";
import type { TicketKey } from "./process-memory";

/** Waits longer than this print a progress line (the CLI shows provider output). */
export const WAIT_NOTICE_MS = 2_000;
/** A long wait prints the time left again at most this often (per resource). */
export const WAIT_REPEAT_MS = 60_000;

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)}s` : `${(ms / 1000).toFixed(1)}s`;
}

export interface ProviderSettings {
  markerFooter: boolean;
  validateAgainstAccount: boolean;
  allowAnyCategory: boolean;
}

export class OperationContext {
  constructor(
    readonly options: ClientOptions,
    readonly settings: ProviderSettings,
    /** Where lines go: the engine's log (on the resource's row) or stderr; a face gives it (see ./log). */
    private readonly sink: LineSink,
    /** The resource type the lines name (`RackspaceTicket`, `RackspaceTicketComment`). */
    readonly kind: string = "RackspaceTicket",
    /** The resource this context's operation is about (its lines show on its row). */
    private readonly urn?: string,
    /** The client and the cancellation, shared by every resource's context of one provider. */
    private readonly shared: { client?: TicketingClient; cancelled?: boolean; wake?: Set<() => void> } = {},
  ) {}

  /** Ends every wait of this provider (the engine's Cancel): gates stop waiting, sleeps return at once. */
  cancel(): void {
    this.shared.cancelled = true;
    for (const w of this.shared.wake ?? []) w();
  }

  /** Whether the engine asked this provider to stop. */
  get cancelled(): boolean {
    return this.shared.cancelled === true;
  }

  /** Waits `ms`, or less when the provider is cancelled. */
  sleep(ms: number): Promise<void> {
    if (this.cancelled) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = this.shared.wake ?? (this.shared.wake = new Set());
      const done = () => {
        clearTimeout(timer);
        wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wake.add(done);
    });
  }

  /** The same context for one resource's operation: its lines carry the resource's URN. */
  forResource(urn: string | undefined): OperationContext {
    return new OperationContext(this.options, this.settings, this.sink, this.kind, urn, this.shared);
  }

  /** A progress line. */
  log(line: string): void {
    this.sink(line, { severity: "info", urn: this.urn });
  }

  /** A warning: the CLI shows it as one. */
  warn(line: string): void {
    this.sink(line, { severity: "warning", urn: this.urn });
  }

  api(): TicketingClient {
    this.shared.client ??= new TicketingClient(this.options);
    return this.shared.client;
  }

  /** Where ticket `id` of `accountId` lives, as this process's memory keys it (./replacements). */
  ticket(accountId: string | undefined, id: string): TicketKey {
    return { endpoint: (this.shared.client?.config ?? resolveConfig(this.options)).ticketingUrl, accountId, id };
  }

  /** The call context of one resource: progress lines naming it, and the account its requests are paced under. */
  call(name: string | undefined, ticketId?: string, accountId?: string): CallContext {
    return {
      accountId,
      onWait: (w: WaitInfo) => {
        if (w.waitMs < WAIT_NOTICE_MS) return;
        const what = w.reason === "rate-limit" ? "for a rate-limit slot" : `before retrying (${w.cause ?? "transient failure"})`;
        const who = label(name, ticketId ?? w.ticketId, this.kind);
        this.log(`${who}: ${w.operation} waiting ${seconds(w.waitMs)} ${what}`);
        // A wait of minutes (W = 60 s) says again how long is left, once a minute, until it ends;
        // counted on the monotonic clock, as the wait itself is (a wall-clock jump changes neither).
        const end = monotonicNow() + w.waitMs;
        for (let at = WAIT_REPEAT_MS; at < w.waitMs - WAIT_NOTICE_MS; at += WAIT_REPEAT_MS) {
          setTimeout(() => this.log(`${who}: ${w.operation} still waiting ${what}, ${seconds(end - monotonicNow())} left`), at).unref();
        }
      },
    };
  }
}
