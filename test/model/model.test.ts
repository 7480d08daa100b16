/** Guarantee: random step sequences through the real Pulumi CLI against the simulator keep the oracle (test/model/oracle.ts) after every step. */
import { describeWithPulumiCli, ensureBuilt } from "../helpers/pulumi-cli";
import { FACES } from "./face";
import { facesDrawn, FIXED_SEED, plansFromEnv, runModel } from "./runner";

const plans = plansFromEnv();

test("CI's fixed seed plays each face once (a change to the arbitraries that moves its draws must pick another seed)", () => {
  const fixed = plansFromEnv({}).find((p) => p.seed === FIXED_SEED);
  expect(fixed && [...facesDrawn(fixed)].sort()).toEqual([...FACES].sort());
});

describeWithPulumiCli("model-based: random sequences of deployments, faults, Racker actions and kills keep the oracle", () => {
  beforeAll(() => ensureBuilt(), 180_000);

  for (const plan of plans) {
    // A step is a few CLI commands (seconds each); shrinking is bounded by the plan's budget.
    const timeoutMs = plan.runs * (plan.steps + 3) * 45_000 + plan.shrinkBudgetMs + 180_000;
    test(`${plan.label}: ${plan.runs} run(s) × up to ${plan.steps} steps, seed ${plan.seed}`, async () => {
      const face = plan.faces?.length === 1 ? ` --face ${plan.faces[0]}` : "";
      const drawn = plan.path === undefined ? `, faces ${facesDrawn(plan).join(", ")}` : ""; // a path replays one (shrunk) case: its face is in the trace
      console.log(`model-based test "${plan.label}": seed ${plan.seed}${drawn} (replay: npm run model -- --seed ${plan.seed} --runs ${plan.runs} --steps ${plan.steps}${face})`);
      const outcome = await runModel(plan);
      if (!outcome.ok) throw new Error(outcome.report);
      console.log(outcome.summary);
    }, timeoutMs);
  }
});
