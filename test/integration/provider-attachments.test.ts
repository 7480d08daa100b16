/**
 * Attachments through the provider, against the simulator over real HTTP on loopback:
 * the documented flow (POST /attachment → upload to the URL → uuid in the ticket or
 * comment), files read at apply time, posted files that cannot change, an upload slot
 * that expires, a throttled slot request, and no token sent to the upload URL.
 */
import * as fs from "node:fs";
import type { CommentInput } from "../../src/core/history/entries";
import { digestsOf, postedDigests, postedOf } from "../helpers/posted";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { AddressInfo } from "node:net";
import { TicketingClient } from "../../src/api/client";
import { RackspaceTicketProvider, TicketOperationError, TicketPartialFailure } from "../../src/faces/dynamic/provider";
import type { Simulator } from "../../src/simulator";
import { clientOptions, providerConfig, resetClientState, startSim } from "../helpers/sim";

type Props = Record<string, unknown>;

const base = {
  accountId: "hybrid:100001",
  subject: "Deploy with runbook",
  category: "Change",
  subcategory: "General",
  description: "Runbook attached.",
};

async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.text();
}

describe("attachments through the provider", () => {
  let sim: Simulator;
  let provider: RackspaceTicketProvider;
  let lines: string[];
  let dir: string;
  let serial = 0;

  const config = () => providerConfig(sim, { "rackspace:rateLimitCreate": "5", "rackspace:rateLimitPatch": "10", "rackspace:rateLimitComment": "20", "rackspace:rateLimitRead": "100" });

  beforeAll(async () => {
    sim = await startSim({ limits: { create: 5, patch: 10, comment: 20, read: 100, attachment: 20 } as never });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    resetClientState();
    sim.clearFaults();
    sim.clearRequests();
    lines = [];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "rt-attach-"));
    provider = new RackspaceTicketProvider();
    provider.log = (l) => lines.push(l);
    await provider.configure({ config: config() });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, text: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, text);
    return p;
  };

  /** check then create, as the engine does. */
  async function checkAndCreate(extra: Props) {
    const news = { ...base, ...extra, __resourceName: `attach-${++serial}`, __project: "ops", __stack: "dev" };
    const checked = await provider.check({}, news);
    expect(checked.failures).toEqual([]);
    const res = await provider.create(checked.inputs as Props);
    return { id: res.id, outs: res.outs as Props, inputs: checked.inputs as Props };
  }

  const ops = () => sim.requests().map((r) => r.operation).filter((o) => o !== "token" && o !== "listTickets" && o !== "getTicket");

  it("create: each description file gets a slot and an upload, then the ticket is opened with their uuids", async () => {
    const runbook = file("runbook.md", "# Runbook\nstep 1\n");
    const { id, outs, inputs } = await checkAndCreate({
      attachments: [
        { filename: "runbook.md", path: runbook },
        { filename: "plan.json", content: JSON.stringify({ change: 42 }) },
      ],
    });
    expect(ops()).toEqual(["createAttachment", "createAttachment", "createTicket"]);
    const created = sim.requests({ operation: "createTicket" })[0].body as { comment: { attachments: { filename: string; uuid: string }[] } };
    expect(created.comment.attachments.map((a) => a.filename)).toEqual(["runbook.md", "plan.json"]);
    const first = sim.getTicket(id)!.comments[0];
    expect(first.attachments?.map((a) => a.filename)).toEqual(["runbook.md", "plan.json"]);
    expect(await fetchText(first.attachments![0].url!)).toBe("# Runbook\nstep 1\n");
    expect(await fetchText(first.attachments![1].url!)).toBe('{"change":42}');
    // The thread output lists the files; the inputs record each file's digest.
    const thread = outs.thread as { attachments: { filename: string; url: string }[] }[];
    expect(thread[0].attachments.map((a) => a.filename)).toEqual(["runbook.md", "plan.json"]);
    expect((inputs.attachments as { sha256?: string }[])[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(lines.join("\n")).toMatch(/uploading 2 attachments \(attachments\)/);
  });

  it("update: an appended comment with a file is one slot, one upload and one POST, in order after plain comments", async () => {
    const { id, outs, inputs } = await checkAndCreate({ comments: ["started"] });
    sim.clearRequests();
    const log = file("deploy.log", "all green\n");
    const news = { ...inputs, comments: ["started", { text: "Deployment log attached.", attachments: [{ filename: "deploy.log", path: log }] }, "done"] };
    const checked = await provider.check(inputs, news);
    expect(checked.failures).toEqual([]);
    const diff = await provider.diff(id, outs, checked.inputs as Props);
    expect(diff).toMatchObject({ changes: true, replaces: [] });
    const res = await provider.update(id, outs, checked.inputs as Props);
    expect(ops()).toEqual(["createAttachment", "addComment", "addComment"]);
    const thread = sim.getTicket(id)!.comments;
    expect(thread.map((c) => c.text).slice(1)).toEqual(["started", "Deployment log attached.", "done"]);
    expect(await fetchText(thread[2].attachments![0].url!)).toBe("all green\n");
    expect(postedDigests(res.outs as Props)).toEqual(digestsOf(checked.inputs.comments as CommentInput[]));
    expect(postedOf(res.outs as Props)[1].files).toEqual(["deploy.log"]);
  });

  it("a posted comment's file whose content changed is refused at diff; a moved file with the same bytes is not", async () => {
    const log = file("deploy.log", "v1");
    const { id, outs, inputs } = await checkAndCreate({ comments: [{ text: "log", attachments: [{ filename: "deploy.log", path: log }] }] });
    const moved = file("copy.log", "v1");
    const same = await provider.check(inputs, { ...inputs, comments: [{ text: "log", attachments: [{ filename: "deploy.log", path: moved }] }] });
    expect(same.failures).toEqual([]);
    expect(await provider.diff(id, outs, same.inputs as Props)).toMatchObject({ changes: false, replaces: [] });
    fs.writeFileSync(log, "v2");
    const res = await provider.check(inputs, { ...inputs, comments: [{ text: "log", attachments: [{ filename: "deploy.log", path: log }] }] });
    expect(res.failures).toEqual([]);
    await expect(provider.diff(id, outs, res.inputs as Props)).rejects.toThrow(/comments\[0\]\.attachments: the entry was posted with "deploy\.log".*cannot change/);
  });

  it("a changed description file replaces the ticket (diff)", async () => {
    const plan = file("plan.txt", "v1");
    const { id, outs, inputs } = await checkAndCreate({ attachments: [{ filename: "plan.txt", path: plan }] });
    fs.writeFileSync(plan, "v2");
    const checked = await provider.check(inputs, { ...inputs, attachments: [{ filename: "plan.txt", path: plan }] });
    expect(checked.failures).toEqual([]);
    expect(await provider.diff(id, outs, checked.inputs as Props)).toMatchObject({ changes: true, replaces: ["attachments"] });
  });

  it("a file rewritten between check and apply is not uploaded: the error names the resource, the entry and what to do", async () => {
    const plan = file("plan.txt", "reviewed");
    const checked = await provider.check({}, { ...base, attachments: [{ filename: "plan.txt", path: plan }], __resourceName: "rewritten" });
    fs.writeFileSync(plan, "not reviewed");
    const err = await provider.create(checked.inputs as Props).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketOperationError);
    expect((err as Error).message).toMatch(/RackspaceTicket "rewritten": uploading attachments\[0\] "plan\.txt" failed: .*changed after the preview checked it; run the deployment again/);
    expect(sim.requests({ operation: "createAttachment" })).toHaveLength(0);
    expect(sim.requests({ operation: "createTicket" })).toHaveLength(0);
  });

  it("a comment's upload failing after the ticket exists is a partial failure that records the ticket", async () => {
    const { id, outs, inputs } = await checkAndCreate({});
    sim.injectFault({ operation: "createAttachment", kind: "status", status: 403, count: 1 });
    const news = { ...inputs, comments: [{ text: "with file", attachments: [{ filename: "a.txt", content: "x" }] }] };
    const err = await provider.update(id, outs, (await provider.check(inputs, news)).inputs as Props).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TicketPartialFailure);
    expect((err as Error).message).toMatch(/posting comments\[0\] failed: .*uploading comments\[0\]\.attachments\[0\] "a\.txt" failed: createAttachment failed: HTTP 403/);
    expect((err as TicketPartialFailure).properties.posted).toEqual([]);
  });

  it("a throttled slot request (429) is retried after Retry-After and the upload goes through", async () => {
    sim.injectFault({ operation: "createAttachment", kind: "status", status: 429, retryAfter: "0", count: 1 });
    const { id } = await checkAndCreate({ attachments: [{ filename: "a.txt", content: "after a 429" }] });
    expect(sim.requests({ operation: "createAttachment" }).map((r) => r.status)).toEqual([429, 201]);
    expect(await fetchText(sim.getTicket(id)!.comments[0].attachments![0].url!)).toBe("after a 429");
  });
});

describe("the upload itself", () => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSim({ attachmentTtlMs: 1 } as never);
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => resetClientState());

  it("a slot that expired before the upload is asked for again once, then the error says what happened", async () => {
    const client = new TicketingClient(clientOptions(sim));
    await new Promise((r) => setTimeout(r, 5));
    const err = await client.attachFile("a.txt", Buffer.from("x")).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/uploadAttachment failed: HTTP 401.*upload URL refused the file.*10 minutes/);
    expect(sim.requests({ operation: "createAttachment" })).toHaveLength(2);
  });

  it("sends no token to the upload URL (object storage, signed for the upload)", async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const store = http.createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on("end", () => res.writeHead(201).end());
    });
    await new Promise<void>((r) => store.listen(0, "127.0.0.1", r));
    try {
      const client = new TicketingClient(clientOptions(sim));
      const url = `http://127.0.0.1:${(store.address() as AddressInfo).port}/upload/abc?temp_url_sig=00&temp_url_expires=1`;
      await client.uploadAttachment({ uuid: "abc", uploadUrl: url, expiresAt: undefined, maxFileSize: undefined }, Buffer.from("bytes"));
      expect(seen).toHaveLength(1);
      expect(seen[0]["x-auth-token"]).toBeUndefined();
      expect(seen[0]["content-length"]).toBe("5");
    } finally {
      await new Promise<void>((r) => store.close(() => r()));
    }
  });

  it("refuses a file larger than the slot allows before sending it", async () => {
    const client = new TicketingClient(clientOptions(sim));
    await expect(client.uploadAttachment({ uuid: "u", uploadUrl: "http://127.0.0.1:9/x", expiresAt: undefined, maxFileSize: 3 }, Buffer.from("four"))).rejects.toThrow(
      /uploadAttachment failed: .*4 bytes; the API accepts at most 3/,
    );
  });
});
