/**
 * TicketEngine: the life of a RackspaceTicket, behind both faces (the dynamic provider and the
 * plugin). Each method migrates the recorded state, dispatches to the file that does the work
 * and shapes what the engine records; every record it returns, a partial failure included, can
 * be refreshed, updated and destroyed by the next command.
 *
 * check → ./inputs (+ ./account-check), diff → ./diff, create → ./open (+ ./adopt, ../gate/approve),
 * update → ./update, read → ./read, delete → ./destroy. It takes and returns property bags: the
 * declared inputs plus the bookkeeping keys of ./keys (the resource's name, project, stack,
 * parent, URN, secret inputs), which each face fills from what it is given. Credentials are read
 * from `configure` (stack config) or the environment when an operation runs, never captured.
 * Imports nothing from @pulumi/pulumi.
 */
import { optionsFromConfig } from "../../config/client-options";
import type { ConfigSource } from "../../config/keys";
import { checkAgainstAccount } from "./account-check";
import { baselineOf } from "../gate/approval";
import { approved } from "./approve";
import { allowAnyCategoryFromConfig, markerFooterFromConfig, validateAgainstAccountFromConfig } from "../settings";
import { OperationContext } from "../context";
import { closeTicket } from "./destroy";
import { diffTicket, TicketDiff } from "./diff";
import { digestInputs } from "../history/entries";
import { forTheHost } from "../errors";
import { TicketPartialFailure } from "./partial-failure";
import { canonicalSeverity, CheckFailure, checkInputs, parseInputs } from "./inputs";
import { IMPORT_KEY, NAME_KEY, PROVIDER_KEY, SECRET_INPUTS_KEY, URN_KEY } from "../keys";
import { label, secretSet } from "../messages";
import { openTicket } from "./open";
import { ReadOutcome, readTicket } from "./read";
import { EngineInputs, refOf, str, TicketRecord } from "./records";
import { forcedReplacement, forgetReplacement, pendingReplacement } from "./replacements";
import { migrateState, recordOf } from "./state";
import { updateTicket } from "./update";
import { urnOf } from "./urn";
import { LineSink, plainSink } from "../log";
import { gateOf } from "../gate/wait-for";

export { TicketOperationError } from "../errors";
export { TicketPartialFailure } from "./partial-failure";
export { WAIT_NOTICE_MS } from "../context";

export class TicketEngine {
  /** Where lines go when no engine can be reached (a test sets it to collect them): stderr. */
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
  /** Where lines go: a face replaces it (the engine's log, on the resource's row). */
  private readonly sink: LineSink;
  private op: OperationContext;

  /**
   * @param resourceType The type token the face registers tickets under (the URN of a resource
   *   the face gives no URN for is formed with it).
   * @param sink Where lines go; by default `log`.
   */
  constructor(
    private readonly resourceType: string,
    sink?: (fallback: (line: string) => void) => LineSink,
  ) {
    const fallback = (line: string) => this.log(line);
    this.sink = sink ? sink(fallback) : plainSink(fallback);
    this.op = new OperationContext({}, { markerFooter: true, validateAgainstAccount: false, allowAnyCategory: false }, this.sink);
  }

  /** The engine's Cancel: every wait ends (a gate fails as a partial failure: the ticket is kept). */
  cancel(): void {
    this.op.cancel();
  }

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
  /** `oldInputs`: the inputs recorded with the old state, when the face has them (the plugin does): the details then compare against them. */
  async diff(id: string, oldState: TicketRecord, news: EngineInputs, oldInputs?: EngineInputs): Promise<TicketDiff> {
    const name = refOf(news).name;
    try {
      return await diffTicket(this.opFor(news), id, migrateState(oldState, name, id), news, oldInputs);
    } catch (e) {
      throw forTheHost(e, `${label(name, id)}: the plan stopped`);
    }
  }

  async create(props: EngineInputs): Promise<{ id: string; outs: TicketRecord }> {
    const ref = refOf(props);
    try {
      const op = this.opFor(props);
      const forced = forcedReplacement(ref);
      if (forced) op.log(`${label(ref.name, forced.ticketId)}: the engine replaces this resource although the plan changes the ticket in place (replaceOnChanges): opening a new ticket; the delete of the replaced resource closes this one`);
      const replacing = pendingReplacement(ref) ?? forced;
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
    return this.op.forResource(str(props, URN_KEY) ?? urnOf(refOf(props), this.resourceType));
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
