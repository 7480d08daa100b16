/**
 * The soak (npm run soak runs 200 operations) with a smaller count: random operations
 * under random 429/502/503/400s, hangs past the timeout and connections dropped before
 * and after applying. No duplicate, no lost comment, no unclear error.
 */
import { ensureBuilt } from "../helpers/provider-host";

interface SoakReport {
  operations: number;
  failedAttempts: number;
  faultsInjected: number;
  duplicates: number;
  lostComments: number;
  unclearErrors: string[];
  retries: number;
}

describe("soak (CI size)", () => {
  beforeAll(() => ensureBuilt());

  it("40 operations with faults on 40 % of them: 0 duplicates, 0 lost comments, 0 unclear errors", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { runSoak } = require("../../scripts/soak") as { runSoak: (o: object) => Promise<SoakReport> };
    const report = await runSoak({ operations: 40, seed: 7, faultRate: 0.4 });
    expect(report.operations).toBe(40);
    expect(report.faultsInjected).toBeGreaterThan(5);
    expect(report.retries).toBeGreaterThan(0);
    expect(report.unclearErrors).toEqual([]);
    expect(report.duplicates).toBe(0);
    expect(report.lostComments).toBe(0);
  });
});
