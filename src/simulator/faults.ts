/**
 * Armed fault injections: the first armed fault (in injection order) matching an operation is consumed; one with `count` n affects n requests.
 */
import { FaultSchema } from "./schemas";
import type { ArmedFault, Fault } from "./types/faults";
import type { SimOperation } from "./types/operations";

export class FaultQueue {
  private armed: ArmedFault[] = [];
  private nextId = 1;

  /** Validates and arms a fault; throws a RangeError describing what is wrong. */
  inject(fault: Fault): ArmedFault {
    const parsed = FaultSchema.safeParse(fault);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
      throw new RangeError(`invalid fault: ${where}${issue.message}`);
    }
    const f = parsed.data as Fault;
    const armed = { ...f, id: this.nextId++, remaining: f.count ?? 1 } as ArmedFault;
    this.armed.push(armed);
    return { ...armed };
  }

  /** Consumes one use of the first fault matching `operation`, if any. */
  take(operation: SimOperation): ArmedFault | undefined {
    const i = this.armed.findIndex((f) => f.operation === "*" || f.operation === operation);
    if (i < 0) return undefined;
    const f = this.armed[i];
    f.remaining -= 1;
    if (f.remaining <= 0) this.armed.splice(i, 1);
    return { ...f };
  }

  list(): ArmedFault[] {
    return this.armed.map((f) => ({ ...f }));
  }

  clear(): void {
    this.armed = [];
  }
}
