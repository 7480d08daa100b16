/**
 * A running simulator: two listeners on one host (main: identity, ticketing, object storage, admin; resources: the resources API) and the in-process controls of the Simulator interface.
 *
 * The main port serves identity (POST /v2.0/tokens), ticketing (docs §4, POST /attachment
 * included), the object-storage routes of attachments (storage-routes.ts) and the admin API
 * under /_sim/ (admin.ts); the resources port serves the resources API (docs §4.8), a
 * different host in production. Each request goes through dispatch.ts; API requests through
 * the ordered stages of pipeline/run.ts.
 */
import * as http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { assertLimits, SimCore } from "./core";
import { dispatch } from "./dispatch";
import { internalError } from "./pipeline/respond";
import type { Listener } from "./routes";
import { DEMO_USERNAME } from "./seed";
import type { SimAttachmentInfo, SimResource, Ticket } from "./types/entities";
import type { ArmedFault, Fault } from "./types/faults";
import type { RequestFilter, RequestLogEntry } from "./types/log";
import type { RateLimits } from "./types/operations";
import type { SimulatorOptions } from "./types/options";
import type { PendingRackerAction, RackerAction, RackerActionRecord, RackerRule, ScheduledRackerAction } from "./types/racker";
import type { Simulator } from "./types/simulator";

export class SimulatorServer implements Simulator {
  identityUrl = "";
  ticketingUrl = "";
  port = 0;
  resourcesPort = 0;

  private readonly core: SimCore;
  private readonly server: http.Server;
  private readonly resourcesServer: http.Server;
  private readonly sockets = new Set<Socket>();
  private closing?: Promise<void>;

  constructor(private readonly options: SimulatorOptions = {}) {
    this.core = new SimCore(options);
    this.server = this.httpServer("main");
    this.resourcesServer = this.httpServer("resources");
  }

  get url(): string {
    return this.core.url;
  }

  get resourcesUrl(): string {
    return this.core.resourcesUrl;
  }

  private httpServer(listener: Listener): http.Server {
    const server = http.createServer((req, res) => {
      dispatch(this.core, this, req, res, listener).catch((e: unknown) => internalError(this.core, res, e));
    });
    server.on("connection", (s: Socket) => {
      this.sockets.add(s);
      s.once("close", () => this.sockets.delete(s));
    });
    // A bad request line etc.: answer 400 without crashing.
    server.on("clientError", (_err, socket) => {
      if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      else socket.destroy();
    });
    return server;
  }

  /** Starts both listeners; if the second cannot start, the first is closed again before the error is thrown. */
  async listen(): Promise<void> {
    const host = this.options.host ?? "127.0.0.1";
    const bind = (server: http.Server, port: number) =>
      new Promise<number>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        server.once("error", onError);
        server.listen(port, host, () => {
          server.off("error", onError);
          resolve((server.address() as AddressInfo).port);
        });
      });
    // A wildcard bind is reachable on loopback; advertise that.
    const shown = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
    const base = (port: number) => `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}`;
    this.port = await bind(this.server, this.options.port ?? 0);
    this.core.url = base(this.port);
    this.identityUrl = this.url;
    this.ticketingUrl = this.url;
    try {
      this.resourcesPort = await bind(this.resourcesServer, this.options.resourcesPort ?? 0);
    } catch (e) {
      await this.close();
      throw e;
    }
    this.core.resourcesUrl = base(this.resourcesPort);
    // Tickets loaded from a data file point at this run's file and upload URLs.
    this.core.files.rebase(this.core.store.all());
  }

  close(): Promise<void> {
    if (!this.closing) {
      const stop = (server: http.Server) =>
        new Promise<void>((resolve) => {
          if (!server.listening) return resolve();
          server.close(() => resolve());
          server.closeAllConnections();
        });
      this.closing = (async () => {
        const stopped = Promise.all([stop(this.server), stop(this.resourcesServer)]);
        this.core.holds.releaseAll();
        this.core.racker.cancelAll();
        for (const s of this.sockets) s.destroy();
        await stopped;
      })();
    }
    return this.closing;
  }

  // ------------------------------------------------------------ tokens

  issueToken(username: string = this.core.users[0]?.username ?? DEMO_USERNAME): string {
    if (!this.core.user(username)) throw new RangeError(`unknown simulator user '${username}'`);
    return this.core.tokenStore.issue(username).id;
  }

  expireTokens(): void {
    this.core.tokenStore.expireAll();
  }

  revokeToken(id: string): boolean {
    return this.core.tokenStore.revoke(id);
  }

  // ------------------------------------------------------------ request log

  requests(filter?: RequestFilter): RequestLogEntry[] {
    return this.core.log.list(filter);
  }

  writeCalls(): RequestLogEntry[] {
    return this.core.log.list({ operation: ["createTicket", "patchTicket", "addComment"] });
  }

  clearRequests(): void {
    this.core.log.clear();
  }

  // ------------------------------------------------------------ faults

  injectFault(fault: Fault): ArmedFault {
    return this.core.faultQueue.inject(fault);
  }

  faults(): ArmedFault[] {
    return this.core.faultQueue.list();
  }

  clearFaults(): void {
    this.core.faultQueue.clear();
  }

  // ------------------------------------------------------------ rate limits

  setLimits(limits: Partial<RateLimits>): void {
    assertLimits(limits);
    const defined = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    this.core.limits = { ...this.core.limits, ...defined };
  }

  setWindowMs(windowMs: number): void {
    this.core.window.setWindowMs(windowMs);
  }

  getLimits(): { windowMs: number; limits: RateLimits } {
    return { windowMs: this.core.window.window, limits: { ...this.core.limits } };
  }

  // ------------------------------------------------------------ tickets

  tickets(): Ticket[] {
    return this.core.store.all().map((t) => structuredClone(t));
  }

  getTicket(id: string): Ticket | undefined {
    const t = this.core.store.get(id);
    return t ? structuredClone(t) : undefined;
  }

  actAsRacker(ticketId: string, action: RackerAction): Ticket {
    return this.core.service.racker(ticketId, action);
  }

  reset(): void {
    this.core.racker.cancelAll(true);
    this.core.store.clear();
    this.core.log.clear();
    this.core.faultQueue.clear();
    this.core.window.clear();
  }

  // ------------------------------------------------------------ delayed Racker actions

  scheduleRacker(ticketId: string, action: ScheduledRackerAction): PendingRackerAction {
    return this.core.racker.schedule(ticketId, action);
  }

  setRackerRules(rules: RackerRule[]): void {
    this.core.racker.setRules(rules);
  }

  rackerRules(): RackerRule[] {
    return this.core.racker.rules();
  }

  rackerActions(): RackerActionRecord[] {
    return this.core.racker.actions();
  }

  pendingRackerActions(): PendingRackerAction[] {
    return this.core.racker.pending();
  }

  // ------------------------------------------------------------ attachments and resources

  attachments(): SimAttachmentInfo[] {
    return this.core.files.list();
  }

  attachmentContent(uuid: string): Buffer | undefined {
    return this.core.files.content(uuid);
  }

  resources(): SimResource[] {
    return structuredClone([...this.core.devices]);
  }
}

/** Creates and starts a simulator. */
export async function createSimulator(options: SimulatorOptions = {}): Promise<SimulatorServer> {
  const sim = new SimulatorServer(options);
  await sim.listen();
  return sim;
}
