/**
 * RackspaceTicketProvider: the dynamic provider's controller. Each method migrates the recorded state, dispatches to the file that does the work and shapes what the engine records.
 *
 * check → ./inputs (+ ./account-check), diff → ./diff, create → ./open (+ ./adopt, ./approve),
 * update → ./update, read → ./read, delete → ./destroy. Every record it returns, a partial
 * failure included, can be refreshed, updated and destroyed by the next command.
 *
 * This class runs inside the Pulumi dynamic provider host (or a test). It is never
 * serialized: the program serializes only the stub in ./stub, which loads this module
 * from the installed package by name. Credentials are read from `configure` (stack
 * config) or the environment when an operation runs, never captured.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { optionsFromConfig } from "../config/client-options";
import type { ConfigSource } from "../config/keys";
import { checkAgainstAccount } from "./account-check";
import { baselineOf } from "./approval";
import { approved } from "./approve";
import { allowAnyCategoryFromConfig, markerFooterFromConfig, validateAgainstAccountFromConfig } from "./config";
import { OperationContext } from "./context";
import { closeTicket } from "./destroy";
import { diffTicket } from "./diff";
import { digestInputs } from "./entries";
import { forTheHost, TicketPartialFailure } from "./errors";
import { canonicalSeverity, CheckFailure, checkInputs, parseInputs } from "./inputs";
import { IMPORT_KEY, NAME_KEY, PROVIDER_KEY, SECRET_INPUTS_KEY } from "./keys";
import { label, secretSet } from "./messages";
import { openTicket } from "./open";
import { ReadOutcome, readTicket } from "./read";
import { EngineInputs, refOf, str, TicketRecord } from "./records";
import { forgetReplacement, pendingReplacement } from "./replacements";
import { migrateState, recordOf } from "./state";
import { updateTicket } from "./update";
import { DYNAMIC_TICKET_TYPE, urnOf } from "./urn";
import { engineAddressFromArgv, engineSink } from "./engine-log";
import { gateOf } from "./wait-for";

export { TicketOperationError, TicketPartialFailure } from "./errors";
export { WAIT_NOTICE_MS } from "./context";

export class RackspaceTicketProvider implements dynamic.ResourceProvider<EngineInputs, TicketRecord> {
  /** Where lines go when no engine can be reached (a test sets it to collect them): stderr. */
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
  /** The engine's log (the host was started with its address), on the resource's row; else `log`. */
  private readonly sink = engineSink(engineAddressFromArgv(), (line) => this.log(line));
  private op = new OperationContext({}, { markerFooter: true, validateAgainstAccount: false, allowAnyCategory: false }, this.sink);

  /** Reads stack config (rackspace:*) at apply time; the RACKSPACE_* environment fills the gaps. */
  async configure(req: { config: ConfigSource }): Promise<void> {
    this.op = new OperationContext(
      optionsFromConfig(req.config),
      {
        markerFooter: markerFooterFromConfig(req.config),
        validateAgainstAccount: validateAgainstAccountFromConfig(req.config),
        allowAnyCategory: allowAnyCategoryFromConfig(req.config),
      },
      this.sink,
    );
  }

  /**
   * Validates the inputs (schema, documented categories, attachment files) and records the
   * SHA-256 of every attachment file, so the diff sees content changes. With
   * `rackspace:validateAgainstAccount`, also checks category, subcategory and severity
   * against the account (two cached GETs per process).
   */
  async check(olds: EngineInputs, news: EngineInputs): Promise<{ inputs: EngineInputs; failures: CheckFailure[] }> {
    const { inputs, problems } = digestInputs(news, olds);
    // Like a category, a severity is accepted without regard to case; it is recorded and sent as the API spells it.
    if (inputs.severity !== undefined) inputs.severity = canonicalSeverity(inputs.severity);
    const failures: CheckFailure[] = [...problems.map((p) => ({ property: "", reason: `${p.property}: ${p.reason}` })), ...checkInputs(inputs, { allowAnyCategory: this.op.settings.allowAnyCategory })];
    if (failures.length === 0 && this.op.settings.validateAgainstAccount) failures.push(...(await checkAgainstAccount(this.opFor(inputs), inputs)));
    return { inputs, failures };
  }

  /** Plans against the recorded outputs (./diff): what cannot change on this ticket plans a new one. */
  async diff(id: string, oldState: TicketRecord, news: EngineInputs): Promise<dynamic.DiffResult> {
    const name = refOf(news).name;
    try {
      return await diffTicket(this.opFor(news), id, migrateState(oldState, name, id), news);
    } catch (e) {
      throw forTheHost(e, `${label(name, id)}: the plan stopped`);
    }
  }

  async create(props: EngineInputs): Promise<{ id: string; outs: TicketRecord }> {
    const ref = refOf(props);
    try {
      const replacing = pendingReplacement(ref);
      const op = this.opFor(props);
      const r = await openTicket(op, {
        ref,
        inputs: parseInputs(props),
        strictImport: props[IMPORT_KEY] === true,
        secrets: secretSet(props[SECRET_INPUTS_KEY]),
        replacing,
      });
      forgetReplacement(ref);
      const inputs = parseInputs(props);
      // A ticket this create opened: every reply and status counts. An adopted one: what happens after it was read.
      const outs = inputs.waitFor ? await approved(op, ref.name, inputs, r.outs, baselineOf(gateOf(inputs.waitFor), r.before)) : r.outs;
      return { id: r.id, outs: recordOf(outs, props) };
    } catch (e) {
      throw this.recorded(e, props);
    }
  }

  async update(id: string, oldState: TicketRecord, news: EngineInputs): Promise<{ outs: TicketRecord }> {
    const name = refOf(news).name;
    try {
      const olds = migrateState(oldState, name, id);
      return { outs: recordOf(await updateTicket(this.opFor(news), name, id, olds, news), news) };
    } catch (e) {
      throw this.recorded(e, news);
    }
  }

  async read(id: string, oldState?: TicketRecord): Promise<ReadOutcome> {
    const name = str(oldState, NAME_KEY);
    try {
      return await readTicket(this.op, name, id, migrateState(oldState, name, id));
    } catch (e) {
      throw forTheHost(e, `${label(name, id)}: the read stopped`);
    }
  }

  async delete(id: string, oldState: TicketRecord): Promise<void> {
    const name = str(oldState, NAME_KEY);
    try {
      return await closeTicket(this.op, name, id, migrateState(oldState, name, id));
    } catch (e) {
      throw forTheHost(e, `${label(name, id)}: the delete stopped`);
    }
  }

  /** The operation context of one resource: its lines show on its row. */
  private opFor(props: EngineInputs): OperationContext {
    return this.op.forResource(urnOf(refOf(props), DYNAMIC_TICKET_TYPE));
  }

  /**
   * A partial failure as the engine must record it: with the serialized provider (without
   * it, refresh and destroy of the recorded ticket fail in the host) and the version.
   */
  private recorded(e: unknown, props: EngineInputs): unknown {
    if (e instanceof TicketPartialFailure) {
      e.properties = { ...recordOf(e.properties, props), [PROVIDER_KEY]: props[PROVIDER_KEY] };
    }
    return e;
  }
}
