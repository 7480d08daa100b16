import { OperationContext } from "../../src/core/context";

describe("progress lines of a long wait", () => {
  afterEach(() => jest.useRealTimers());

  it("a 150 s wait for a slot prints the wait, then the time left once a minute until it ends", () => {
    jest.useFakeTimers();
    const lines: string[] = [];
    const op = new OperationContext({}, { markerFooter: true, validateAgainstAccount: false, allowAnyCategory: false }, (l) => lines.push(l));
    op.call("web", "T1").onWait?.({ operation: "createTicket", waitMs: 150_000, reason: "rate-limit" });
    expect(lines).toEqual(['RackspaceTicket "web" (ticket T1): createTicket waiting 150s for a rate-limit slot']);
    jest.advanceTimersByTime(60_000);
    expect(lines[1]).toBe('RackspaceTicket "web" (ticket T1): createTicket still waiting for a rate-limit slot, 90s left');
    jest.advanceTimersByTime(60_000);
    expect(lines[2]).toBe('RackspaceTicket "web" (ticket T1): createTicket still waiting for a rate-limit slot, 30s left');
    jest.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(3);
  });

  it("a short wait prints nothing; a wait under a minute prints one line", () => {
    jest.useFakeTimers();
    const lines: string[] = [];
    const op = new OperationContext({}, { markerFooter: true, validateAgainstAccount: false, allowAnyCategory: false }, (l) => lines.push(l));
    op.call("web").onWait?.({ operation: "addComment", waitMs: 1_000, reason: "rate-limit" });
    op.call("web").onWait?.({ operation: "addComment", waitMs: 45_000, reason: "rate-limit" });
    jest.advanceTimersByTime(120_000);
    expect(lines).toEqual(['RackspaceTicket "web": addComment waiting 45s for a rate-limit slot']);
  });
});
