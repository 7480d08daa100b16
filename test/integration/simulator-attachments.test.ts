/**
 * Attachments in the simulator over real HTTP on loopback, driven with node's global fetch:
 * POST /attachment (multipart), the upload temp URL (no token, signature, expiry, size,
 * overwrite until attached), the file URL, and naming uploads in tickets and comments.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { startSimulator, type Simulator, type Ticket } from "../../src/simulator";
import { fileExtension, filenameProblem } from "../../src/simulator/attachment-names";
import { attachByHand } from "../helpers/sim";

const V2 = "application/vnd.ticketing.v2+json";
const HIGH = { create: 100, patch: 100, comment: 100, read: 1000, attachment: 100, resources: 1000 };

const fault = (status: number, faultCode: string, message: string | RegExp) => ({
  status,
  faultCode,
  message: typeof message === "string" ? message : expect.stringMatching(message),
  moreInfo: `docs/ticketing/general-api-info/faults/#${faultCode}`,
});

interface Slot {
  attachment_data: { expires: number; max_file_count: number; max_file_size: number; signature: string; redirect_url: string };
  uuid: string;
  upload_url: string;
}

interface Res {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

async function read(res: Response): Promise<Res> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** A multipart form with one file part named `filename` (or whatever `build` adds). */
function fileForm(filename: string, content = ""): FormData {
  const form = new FormData();
  form.append("filename", new Blob([content]), filename);
  return form;
}

const ticket = (attachments?: unknown) => ({
  accountId: "hybrid:100001",
  subject: "With files",
  category: "Incident",
  subcategory: "General",
  ...(attachments === undefined ? {} : { comment: { text: "see attached", attachments } }),
});

describe("simulator attachments over HTTP", () => {
  let sim: Simulator;
  let token: string;

  beforeAll(async () => {
    sim = await startSimulator({ port: 0, windowMs: 1000, limits: HIGH });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(() => {
    sim.reset();
    sim.setLimits(HIGH);
    token = sim.issueToken("demo");
  });

  const postForm = async (body: FormData | string | undefined, headers: Record<string, string> = {}, t: string | null = token) =>
    read(
      await fetch(`${sim.ticketingUrl}/attachment`, {
        method: "POST",
        headers: { ...(t ? { "X-Auth-Token": t } : {}), Accept: "application/json, application/vnd.ticketing.v2+json", ...headers },
        body,
      }),
    );
  const slotFor = async (filename: string): Promise<Slot> => {
    const r = await postForm(fileForm(filename));
    expect(r.status).toBe(201);
    return r.json as Slot;
  };
  const put = async (url: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    read(await fetch(url, { method: "PUT", headers, body: typeof body === "string" ? body : new Uint8Array(body) }));
  const api = async (method: string, p: string, body?: unknown, t = token) =>
    read(
      await fetch(`${sim.ticketingUrl}${p}`, {
        method,
        headers: { "X-Auth-Token": t, Accept: V2, ...(body === undefined ? {} : { "Content-Type": V2 }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );

  describe("POST /attachment", () => {
    it("201 with the upload slot: attachment_data, uuid and a signed upload URL on the simulator", async () => {
      const before = Math.floor(Date.now() / 1000);
      const r = await postForm(fileForm("app.log"));
      expect(r.status).toBe(201);
      expect(r.headers.get("content-type")).toBe(V2);
      const slot = r.json as Slot;
      expect(slot).toEqual({
        attachment_data: {
          expires: expect.any(Number),
          max_file_count: 1,
          max_file_size: 26214400,
          signature: expect.stringMatching(/^[0-9a-f]{64}$/),
          redirect_url: "",
        },
        uuid: expect.stringMatching(/^[0-9a-f-]{36}-app\.log$/),
        upload_url: expect.any(String),
      });
      expect(slot.attachment_data.expires).toBeGreaterThanOrEqual(before + 599);
      expect(slot.attachment_data.expires).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 600);
      const u = new URL(slot.upload_url);
      expect(`${u.protocol}//${u.host}`).toBe(sim.url);
      expect(u.pathname).toBe(`/_uploads/${encodeURIComponent(slot.uuid)}`);
      expect(u.searchParams.get("temp_url_sig")).toMatch(/^[0-9a-f]{64}$/);
      expect(u.searchParams.get("temp_url_expires")).toBe(String(slot.attachment_data.expires));
      expect(sim.attachments()).toEqual([
        expect.objectContaining({ uuid: slot.uuid, filename: "app.log", user: "demo", uploaded: false, size: 0, maxFileSize: 26214400, uploadSentToken: false }),
      ]);
      expect(sim.attachments()[0].referencedBy).toBeUndefined();
      // Logged as createAttachment, with the form summarised as the body; not a "write call".
      expect(sim.requests()).toEqual([
        expect.objectContaining({
          operation: "createAttachment",
          method: "POST",
          path: "/attachment",
          status: 201,
          user: "demo",
          body: { filename: { filename: "app.log", size: 0, type: "application/octet-stream" } },
          contentType: expect.stringMatching(/^multipart\/form-data; boundary=/),
        }),
      ]);
      expect(sim.writeCalls()).toEqual([]);
    });

    it("each slot has its own uuid; the part's content, if any, is ignored (the bytes go to the upload URL)", async () => {
      const a = await slotFor("app.log");
      const b = (await postForm(fileForm("app.log", "inline bytes"))).json as Slot;
      expect(a.uuid).not.toBe(b.uuid);
      expect(sim.attachments().map((x) => [x.uuid, x.uploaded])).toEqual([
        [a.uuid, false],
        [b.uuid, false],
      ]);
    });

    it.each<[string, string | undefined, number, string | undefined]>([
      ["application/json", "application/json", 201, "application/json"],
      ["the v2 type", V2, 201, V2],
      ["multipart/form-data (as the docs' page says)", "multipart/form-data", 201, "application/json"],
      ["*/*", "*/*", 201, V2],
      ["no Accept", undefined, 201, V2],
      ["text/html", "text/html", 406, "application/json"],
      ["the v1 contract", "application/vnd.ticketing.v1+json", 406, "application/json"],
    ])("Accept %s → %d", async (_n, accept, status, type) => {
      const headers: Record<string, string> = { "X-Auth-Token": token };
      if (accept !== undefined) headers.Accept = accept;
      const r = await read(await fetch(`${sim.ticketingUrl}/attachment`, { method: "POST", headers, body: fileForm("a.txt") }));
      expect(r.status).toBe(status);
      expect(r.headers.get("content-type")).toBe(type);
      if (status === 406) expect(r.json).toEqual(fault(406, "notAcceptable", /multipart\/form-data/));
    });

    it("401 fault without a token or with an unknown or expired one; nothing is created", async () => {
      expect((await postForm(fileForm("a.txt"), {}, null)).json).toEqual(fault(401, "unauthorized", /X-Auth-Token/));
      expect((await postForm(fileForm("a.txt"), {}, "not-a-token")).json).toEqual(fault(401, "unauthorized", /invalid or was revoked/));
      sim.expireTokens();
      expect((await postForm(fileForm("a.txt"))).json).toEqual(fault(401, "unauthorized", /expired/));
      expect(sim.attachments()).toEqual([]);
      expect(sim.requests().map((e) => [e.operation, e.status])).toEqual([
        ["createAttachment", 401],
        ["createAttachment", 401],
        ["createAttachment", 401],
      ]);
    });

    it.each<[string, string]>([
      ["APP.EXE", ".exe"],
      ["installer.MsI", ".msi"],
      ["script.js", ".js"],
      ["Setup.Ps1", ".ps1"],
      ["evil.exe.", ".exe"],
      [".bat", ".bat"],
    ])("400 for the forbidden extension of %s", async (name, ext) => {
      const r = await postForm(fileForm(name));
      expect(r.status).toBe(400);
      expect(r.json).toEqual(fault(400, "badRequest", `File extension ${ext} is not allowed`));
      expect(sim.attachments()).toEqual([]);
    });

    it("allowed names: ordinary extensions, several dots, none at all, unicode", async () => {
      for (const name of ["app.log", "archive.tar.gz", "README", "exe.txt", "résumé 2030.pdf", "EXE"]) {
        const r = await postForm(fileForm(name));
        expect([name, r.status]).toEqual([name, 201]);
        expect((r.json as Slot).uuid.endsWith(`-${name}`)).toBe(true);
      }
    });

    it.each<[string, () => FormData | string, Record<string, string>, RegExp]>([
      // FormData leaves out filename="" altogether: on the wire that is a text field.
      ["an empty file name (as FormData encodes it)", () => fileForm(""), {}, /must be a file part with a file name/],
      [
        'filename=""',
        () => '--XyZ\r\nContent-Disposition: form-data; name="filename"; filename=""\r\nContent-Type: text/plain\r\n\r\n\r\n--XyZ--\r\n',
        { "Content-Type": "multipart/form-data; boundary=XyZ" },
        /^The file name is empty$/,
      ],
      ["a blank file name", () => fileForm("   "), {}, /^The file name is empty$/],
      ["a '/' in the name", () => fileForm("logs/app.log"), {}, /^File name "logs\/app\.log" must not contain '\/' or '\\'$/],
      ["a '\\' in the name", () => fileForm("C:\\logs\\app.log"), {}, /must not contain '\/' or '\\'$/],
      ["a name over 255 characters", () => fileForm(`${"a".repeat(252)}.log`), {}, /longer than 255/],
      [
        "a form without the 'filename' part",
        () => {
          const f = new FormData();
          f.append("file", new Blob([]), "a.txt");
          return f;
        },
        {},
        /Unexpected form part 'file'/,
      ],
      [
        "'filename' as a text field, not a file part",
        () => {
          const f = new FormData();
          f.append("filename", "app.log");
          return f;
        },
        {},
        /must be a file part with a file name/,
      ],
      [
        "two files",
        () => {
          const f = fileForm("a.txt");
          f.append("filename", new Blob([]), "b.txt");
          return f;
        },
        {},
        /One file per request \(max_file_count is 1\); the form has 2/,
      ],
      ["an empty form", () => new FormData(), {}, /needs a file part named 'filename'|not valid multipart/],
      ["a JSON body", () => JSON.stringify({ filename: "a.txt" }), { "Content-Type": "application/json" }, /unsupported Content-Type 'application\/json'.*multipart\/form-data/],
      ["no Content-Type", () => "x", { "Content-Type": "" }, /needs a Content-Type header|unsupported Content-Type/],
      ["a multipart body that does not parse", () => "--nope\r\ngarbage", { "Content-Type": "multipart/form-data; boundary=XyZ" }, /not valid multipart\/form-data/],
      ["a multipart Content-Type without boundary", () => "--XyZ--\r\n", { "Content-Type": "multipart/form-data" }, /not valid multipart\/form-data/],
    ])("400 badRequest for %s", async (_n, body, headers, message) => {
      const r = await postForm(body(), headers);
      expect(r.status).toBe(400);
      expect(r.json).toEqual(fault(400, "badRequest", message));
      expect(sim.attachments()).toEqual([]);
    });

    it("405 for other methods on /attachment", async () => {
      const r = await api("GET", "/attachment");
      expect(r.status).toBe(405);
      expect(r.headers.get("allow")).toBe("POST");
    });

    it("its own rate class 'attachment': 429 rateLimitExceeded with Retry-After, other classes unaffected", async () => {
      sim.setLimits({ attachment: 2 });
      expect((await postForm(fileForm("a.txt"))).status).toBe(201);
      expect((await postForm(fileForm("b.txt"))).status).toBe(201);
      const r = await postForm(fileForm("c.txt"));
      expect(r.status).toBe(429);
      expect(r.headers.get("retry-after")).toBe("1");
      expect(r.json).toEqual(fault(429, "rateLimitExceeded", /2 attachment request\(s\) per 1000 ms/));
      expect(sim.attachments()).toHaveLength(2);
      // Comments and reads have their own budgets.
      const t = (await api("POST", "/tickets", ticket())).json as Ticket;
      expect((await api("POST", `/tickets/${t.ticketId}/comments`, { comment: { text: "x" } })).status).toBe(204);
      expect((await api("GET", "/accounts")).status).toBe(200);
      // The limit is per token.
      expect((await postForm(fileForm("d.txt"), {}, sim.issueToken("demo"))).status).toBe(201);
      await new Promise((res) => setTimeout(res, 1050));
      expect((await postForm(fileForm("e.txt"))).status).toBe(201);
      expect(sim.getLimits().limits.attachment).toBe(2);
    });

    it("fault injection targets createAttachment like any operation", async () => {
      sim.injectFault({ operation: "createAttachment", kind: "status", status: 503, retryAfter: "2" });
      const r = await postForm(fileForm("a.txt"));
      expect([r.status, r.headers.get("retry-after")]).toEqual([503, "2"]);
      expect(r.json).toEqual(fault(503, "serviceUnavailable", /Injected/));

      sim.injectFault({ operation: "createAttachment", kind: "drop-before" });
      await expect(postForm(fileForm("a.txt"))).rejects.toThrow();
      expect(sim.attachments()).toEqual([]);

      sim.injectFault({ operation: "createAttachment", kind: "drop-after" });
      await expect(postForm(fileForm("a.txt"))).rejects.toThrow();
      expect(sim.attachments()).toHaveLength(1); // applied, answer lost: an unused slot that will expire

      expect(sim.requests({ operation: "createAttachment" }).map((e) => [e.status, e.fault, e.droppedStatus])).toEqual([
        [503, "status", undefined],
        [0, "drop-before", undefined],
        [0, "drop-after", 201],
      ]);
      expect((await postForm(fileForm("a.txt"))).status).toBe(201);
    });
  });

  describe("the upload URL and the file URL", () => {
    it("PUT without a token stores the bytes (201, Etag = MD5); the file URL serves them; not in the request log", async () => {
      const lines: string[] = [];
      const s = await startSimulator({ logger: (l) => lines.push(l) });
      try {
        const t = s.issueToken("demo");
        const form = fileForm("data.bin");
        const slot = (await (await fetch(`${s.url}/attachment`, { method: "POST", headers: { "X-Auth-Token": t }, body: form })).json()) as Slot;
        const bytes = Buffer.from([0, 1, 2, 250, 255, 10, 13]);
        const r = await read(await fetch(slot.upload_url, { method: "PUT", headers: { "Content-Type": "application/octet-stream" }, body: new Uint8Array(bytes) }));
        expect(r.status).toBe(201);
        expect(r.headers.get("etag")).toBe(createHash("md5").update(bytes).digest("hex"));
        expect(s.attachments()[0]).toMatchObject({ uploaded: true, size: 7, contentType: "application/octet-stream", uploadSentToken: false, uploadedAt: expect.any(String) });
        expect(s.attachmentContent(slot.uuid)).toEqual(bytes);

        const file = await fetch(`${s.url}/_files/${encodeURIComponent(slot.uuid)}`);
        expect(file.status).toBe(200);
        expect(file.headers.get("content-type")).toBe("application/octet-stream");
        expect(file.headers.get("content-disposition")).toBe(`attachment; filename="data.bin"; filename*=UTF-8''data.bin`);
        expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
        const head = await fetch(`${s.url}/_files/${encodeURIComponent(slot.uuid)}`, { method: "HEAD" });
        expect([head.status, head.headers.get("content-length")]).toEqual([200, "7"]);

        // Object storage is not the Ticketing API: only POST /attachment is in the request log...
        expect(s.requests().map((e) => e.operation)).toEqual(["createAttachment"]);
        // ...but the logger sees every request, without the upload URL's signature.
        expect(lines.some((l) => /^PUT \/_uploads\/\S+ → 201 \(upload, 7 bytes, \d+ ms\)$/.test(l))).toBe(true);
        expect(lines.some((l) => /^GET \/_files\/\S+ → 200 \(file, \d+ ms\)$/.test(l))).toBe(true);
        expect(lines.join("\n")).not.toContain("temp_url_sig");
      } finally {
        await s.close();
      }
    });

    it("the upload may be repeated (overwrite) until a ticket names the uuid", async () => {
      const slot = await slotFor("notes.txt");
      expect((await put(slot.upload_url, "first", { "Content-Type": "text/plain" })).status).toBe(201);
      expect((await put(slot.upload_url, "second, longer")).status).toBe(201);
      expect(sim.attachmentContent(slot.uuid)?.toString()).toBe("second, longer");
      expect(sim.attachments()[0]).toMatchObject({ size: 14, uploaded: true });
      expect(sim.attachments()[0].contentType).toBe("text/plain;charset=UTF-8"); // fetch's default for a string body
    });

    it("a token sent to the upload URL is not needed, and is recorded so tests can catch a client that sends it", async () => {
      const slot = await slotFor("a.txt");
      expect((await put(slot.upload_url, "x", { "X-Auth-Token": token })).status).toBe(201);
      expect(sim.attachments()[0].uploadSentToken).toBe(true);
      expect((await put(slot.upload_url, "x")).status).toBe(201);
      expect(sim.attachments()[0].uploadSentToken).toBe(false);
    });

    it("401 'Temp URL invalid' for a tampered signature or expiry, a missing query, an unknown uuid", async () => {
      const slot = await slotFor("a.txt");
      const u = new URL(slot.upload_url);
      const sig = u.searchParams.get("temp_url_sig") as string;
      const variants = [
        () => u.searchParams.set("temp_url_sig", (sig[0] === "0" ? "1" : "0") + sig.slice(1)),
        () => u.searchParams.set("temp_url_sig", sig.slice(0, 40)),
        () => u.searchParams.set("temp_url_sig", "not-hex"),
        () => u.searchParams.set("temp_url_expires", String(Number(u.searchParams.get("temp_url_expires")) + 3600)),
        () => u.searchParams.delete("temp_url_sig"),
        () => u.searchParams.delete("temp_url_expires"),
        () => (u.pathname = "/_uploads/00000000-0000-0000-0000-000000000000-a.txt"),
        () => (u.pathname = `/_uploads/${encodeURIComponent(slot.uuid)}/x`),
      ];
      for (const tamper of variants) {
        const orig = u.toString();
        tamper();
        const r = await put(u.toString(), "x");
        expect([r.status, r.headers.get("content-type"), r.text]).toEqual([401, "text/plain; charset=utf-8", "Temp URL invalid"]);
        u.href = orig;
      }
      // Another slot's signature does not fit this one.
      const other = new URL((await slotFor("a.txt")).upload_url);
      u.searchParams.set("temp_url_sig", other.searchParams.get("temp_url_sig") as string);
      expect((await put(u.toString(), "x")).status).toBe(401);
      expect(sim.attachments().every((a) => !a.uploaded)).toBe(true);
      // The untouched URL still works.
      expect((await put(slot.upload_url, "x")).status).toBe(201);
    });

    it("405 for other methods on the upload URL; 404 for a file that is unknown or not uploaded yet", async () => {
      const slot = await slotFor("a.txt");
      const get = await read(await fetch(slot.upload_url));
      expect([get.status, get.headers.get("allow")]).toEqual([405, "PUT"]);
      expect((await read(await fetch(slot.upload_url, { method: "POST", body: "x" }))).status).toBe(405);
      const file = `${sim.url}/_files/${encodeURIComponent(slot.uuid)}`;
      expect((await read(await fetch(file))).status).toBe(404);
      expect((await read(await fetch(`${sim.url}/_files/nope`))).text).toBe("Not Found");
      expect((await read(await fetch(file, { method: "DELETE" }))).headers.get("allow")).toBe("GET, HEAD");
    });

    it("413 when the upload is larger than max_file_size; a smaller one then goes through", async () => {
      const s = await startSimulator({ attachmentMaxBytes: 1000 });
      try {
        const t = s.issueToken("demo");
        const slot = (await (await fetch(`${s.url}/attachment`, { method: "POST", headers: { "X-Auth-Token": t }, body: fileForm("big.bin") })).json()) as Slot;
        expect(slot.attachment_data.max_file_size).toBe(1000);
        const big = await put(slot.upload_url, Buffer.alloc(1001, 1));
        expect([big.status, big.text]).toEqual([413, "Upload larger than max_file_size (1000 bytes)"]);
        expect(s.attachments()[0].uploaded).toBe(false);
        expect((await put(slot.upload_url, Buffer.alloc(1000, 1))).status).toBe(201);
        expect(s.attachments()[0].size).toBe(1000);
        // Larger than the API's 1 MiB request cap too: the slot's own cap applies.
        const s2 = await startSimulator();
        try {
          const slot2 = (await (await fetch(`${s2.url}/attachment`, { method: "POST", headers: { "X-Auth-Token": s2.issueToken("demo") }, body: fileForm("big.bin") })).json()) as Slot;
          expect((await put(slot2.upload_url, Buffer.alloc(3 * 1024 * 1024, 7))).status).toBe(201);
          expect(s2.attachments()[0].size).toBe(3 * 1024 * 1024);
        } finally {
          await s2.close();
        }
      } finally {
        await s.close();
      }
    });

    it("an upload slot expires after attachmentTtlMs: then 401, and the uuid cannot be attached", async () => {
      const s = await startSimulator({ attachmentTtlMs: 300, limits: HIGH });
      try {
        const t = s.issueToken("demo");
        const post = () => fetch(`${s.url}/attachment`, { method: "POST", headers: { "X-Auth-Token": t }, body: fileForm("late.log") }).then((r) => r.json() as Promise<Slot>);
        const early = await post();
        expect(early.attachment_data.expires).toBeLessThanOrEqual(Math.ceil((Date.now() + 300) / 1000));
        expect((await put(early.upload_url, "in time")).status).toBe(201);
        const late = await post();
        await new Promise((r) => setTimeout(r, 350));
        const r = await put(late.upload_url, "too late");
        expect([r.status, r.text]).toEqual([401, "Temp URL invalid"]);
        // The early upload can no longer be replaced either, but it is still there and can be attached.
        expect((await put(early.upload_url, "again")).status).toBe(401);
        expect(s.attachmentContent(early.uuid)?.toString()).toBe("in time");
        const create = (attachments: unknown) =>
          fetch(`${s.url}/tickets`, { method: "POST", headers: { "X-Auth-Token": t, "Content-Type": V2, Accept: V2 }, body: JSON.stringify(ticket(attachments)) }).then(read);
        expect((await create([{ filename: "late.log", uuid: late.uuid }])).json).toEqual(fault(400, "badRequest", `Attachment ${late.uuid} has not been uploaded`));
        expect((await create([{ filename: "late.log", uuid: early.uuid }])).status).toBe(200);
      } finally {
        await s.close();
      }
    });
  });

  describe("naming uploads in tickets and comments", () => {
    it("POST /tickets: the comment's attachments get a url that serves the file; the upload is then locked (409)", async () => {
      const a = await attachByHand(sim, "app.log", "line 1\nline 2\n", token);
      const b = await attachByHand(sim, "db.log", "db", token);
      const r = await api("POST", "/tickets", ticket([a, b]));
      expect(r.status).toBe(200);
      const t = r.json as Ticket;
      expect(t.comments[0].attachments).toEqual([
        { filename: "app.log", uuid: a.uuid, url: `${sim.url}/_files/${encodeURIComponent(a.uuid)}` },
        { filename: "db.log", uuid: b.uuid, url: `${sim.url}/_files/${encodeURIComponent(b.uuid)}` },
      ]);
      expect(await (await fetch(t.comments[0].attachments[0].url as string)).text()).toBe("line 1\nline 2\n");
      expect(sim.getTicket(t.ticketId)).toEqual(t);
      expect(sim.attachments().map((x) => x.referencedBy)).toEqual([
        { ticketId: t.ticketId, commentId: t.comments[0].id },
        { ticketId: t.ticketId, commentId: t.comments[0].id },
      ]);
      expect(sim.requests({ operation: "createTicket" })[0].body).toEqual(ticket([a, b]));
      expect(sim.requests().map((e) => e.operation)).toEqual(["createAttachment", "createAttachment", "createTicket"]);
    });

    it("a re-upload after the uuid is attached gets 409", async () => {
      const slot = await slotFor("app.log");
      expect((await put(slot.upload_url, "v1")).status).toBe(201);
      expect((await api("POST", "/tickets", ticket([{ filename: "app.log", uuid: slot.uuid }]))).status).toBe(200);
      const r = await put(slot.upload_url, "v2");
      expect(r.status).toBe(409);
      expect(r.text).toMatch(new RegExp(`Attachment ${slot.uuid.replace(/[.]/g, "\\.")} is attached to ticket \\S+ and can no longer be replaced`));
      expect(sim.attachmentContent(slot.uuid)?.toString()).toBe("v1");
    });

    it("POST /tickets/{id}/comments with attachments (204), visible on GET", async () => {
      const t = (await api("POST", "/tickets", ticket())).json as Ticket;
      const f = await attachByHand(sim, "trace.txt", "stack trace", token);
      expect((await api("POST", `/tickets/${t.ticketId}/comments`, { comment: { text: "trace attached", attachments: [f] } })).status).toBe(204);
      const got = (await api("GET", `/tickets/${t.ticketId}`)).json as Ticket;
      expect(got.comments.at(-1)).toMatchObject({ text: "trace attached", attachments: [{ filename: "trace.txt", uuid: f.uuid, url: `${sim.url}/_files/${encodeURIComponent(f.uuid)}` }] });
      expect(sim.attachments()[0].referencedBy).toEqual({ ticketId: t.ticketId, commentId: got.comments.at(-1)?.id });
    });

    it.each<[string, (ctx: { uploaded: { filename: string; uuid: string }; pending: Slot; other: { filename: string; uuid: string }; used: { filename: string; uuid: string } }) => unknown[], RegExp]>([
      ["an unknown uuid", () => [{ filename: "x.log", uuid: "0000-x.log" }], /^Attachment 0000-x\.log not found$/],
      ["another user's upload", ({ other }) => [other], /^Attachment \S+ not found$/],
      ["a slot that was never uploaded", ({ pending }) => [{ filename: "pending.log", uuid: pending.uuid }], /^Attachment \S+-pending\.log has not been uploaded$/],
      ["a file name other than the slot's", ({ uploaded }) => [{ filename: "other.log", uuid: uploaded.uuid }], /^Attachment \S+ was created for the file name "app\.log", not "other\.log"$/],
      ["an upload already attached to a ticket", ({ used }) => [used], /^Attachment \S+ is already attached to ticket \S+$/],
      ["the same uuid twice", ({ uploaded }) => [uploaded, uploaded], /^Attachment \S+ is listed more than once$/],
      ["a forbidden extension without uuid", () => [{ filename: "run.BAT" }], /^File extension \.bat is not allowed$/],
      ["a good file followed by a bad one", ({ uploaded }) => [uploaded, { filename: "x.log", uuid: "nope" }], /^Attachment nope not found$/],
    ])("400 badRequest for %s, on create and on comment, with nothing applied", async (_n, pick, message) => {
      // Two users, so that "another user's upload" is real.
      const s = await startSimulator({
        users: [
          { username: "a", apiKey: "key-a-123456", name: "A", rpn: "RPN-A" },
          { username: "b", apiKey: "key-b-123456", name: "B", rpn: "RPN-B" },
        ],
        limits: HIGH,
      });
      try {
        const ta = s.issueToken("a");
        const tb = s.issueToken("b");
        const su = await attachByHand(s, "app.log", "a", ta);
        const sp = (await (await fetch(`${s.url}/attachment`, { method: "POST", headers: { "X-Auth-Token": ta }, body: fileForm("pending.log") })).json()) as Slot;
        const so = await attachByHand(s, "app.log", "b", tb);
        const sused = await attachByHand(s, "used.log", "u", ta);
        const call = (m: string, p: string, body: unknown) =>
          fetch(`${s.url}${p}`, { method: m, headers: { "X-Auth-Token": ta, "Content-Type": V2, Accept: V2 }, body: JSON.stringify(body) }).then(read);
        expect((await call("POST", "/tickets", ticket([sused]))).status).toBe(200);
        const base = (await call("POST", "/tickets", ticket())).json as Ticket;
        const before = s.attachments();
        const ticketsBefore = s.tickets();

        const attachments = pick({ uploaded: su, pending: sp, other: so, used: sused });
        const onCreate = await call("POST", "/tickets", ticket(attachments));
        expect(onCreate.status).toBe(400);
        expect(onCreate.json).toEqual(fault(400, "badRequest", message));
        const onComment = await call("POST", `/tickets/${base.ticketId}/comments`, { comment: { text: "files", attachments } });
        expect(onComment.json).toEqual(fault(400, "badRequest", message));
        // No half-applied request: no ticket, no comment, no attachment changed or added.
        expect(s.tickets()).toEqual(ticketsBefore);
        expect(s.attachments()).toEqual(before);
        // The good upload is still free to use.
        expect((await call("POST", `/tickets/${base.ticketId}/comments`, { comment: { text: "ok", attachments: [su] } })).status).toBe(204);
      } finally {
        await s.close();
      }
    });

    it("an attachment without uuid (docs §4.7 second path) gets an upload_url; once uploaded the ticket shows its url", async () => {
      const r = await api("POST", "/tickets", ticket([{ filename: "later.log" }]));
      expect(r.status).toBe(200);
      const t = r.json as Ticket;
      const [att] = t.comments[0].attachments;
      expect(att).toEqual({ filename: "later.log", uuid: expect.stringMatching(/-later\.log$/), upload_url: expect.stringMatching(/\/_uploads\/.*\?temp_url_sig=[0-9a-f]{64}&temp_url_expires=\d+$/) });
      expect(sim.attachments()).toEqual([expect.objectContaining({ uuid: att.uuid, uploaded: false, referencedBy: { ticketId: t.ticketId, commentId: t.comments[0].id } })]);
      expect((await put(att.upload_url as string, "later bytes")).status).toBe(201);
      const got = (await api("GET", `/tickets/${t.ticketId}`)).json as Ticket;
      expect(got.comments[0].attachments).toEqual([{ filename: "later.log", uuid: att.uuid, url: `${sim.url}/_files/${encodeURIComponent(att.uuid as string)}` }]);
      expect(got.modified).toBe(t.modified); // an upload is not a ticket change
      expect(await (await fetch(got.comments[0].attachments[0].url as string)).text()).toBe("later bytes");
      // Uploaded and attached: locked.
      expect((await put(att.upload_url as string, "again")).status).toBe(409);
    });

    it("reset() forgets attachments; GET /_sim/attachments lists them", async () => {
      const f = await attachByHand(sim, "a.txt", "x", token);
      const listed = (await read(await fetch(`${sim.url}/_sim/attachments`))).json as { attachments: { uuid: string }[] };
      expect(listed.attachments.map((a) => a.uuid)).toEqual([f.uuid]);
      const status = (await read(await fetch(`${sim.url}/_sim`))).json as Record<string, unknown>;
      expect(status).toMatchObject({ attachments: 1, resourcesUrl: sim.resourcesUrl, endpoints: expect.arrayContaining(["GET /_sim/attachments"]) });
      sim.reset();
      expect(sim.attachments()).toEqual([]);
      expect((await fetch(`${sim.url}/_files/${encodeURIComponent(f.uuid)}`)).status).toBe(404);
    });
  });

  describe("persistence", () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "sim-attach-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("slots, uploaded bytes and references survive a restart; file URLs follow the new port", async () => {
      const dataFile = path.join(dir, "state.json");
      const s1 = await startSimulator({ dataFile, limits: HIGH });
      let ticketId: string;
      let attached: { filename: string; uuid: string };
      let pending: Slot;
      try {
        const t1 = s1.issueToken("demo");
        attached = await attachByHand(s1, "app.log", Buffer.from([1, 2, 3]), t1);
        pending = (await (await fetch(`${s1.url}/attachment`, { method: "POST", headers: { "X-Auth-Token": t1 }, body: fileForm("later.log") })).json()) as Slot;
        const created = await fetch(`${s1.url}/tickets`, { method: "POST", headers: { "X-Auth-Token": t1, "Content-Type": V2 }, body: JSON.stringify(ticket([attached])) });
        ticketId = ((await created.json()) as Ticket).ticketId;
      } finally {
        await s1.close();
      }
      const onDisk = fs.readFileSync(dataFile, "utf8");
      expect(onDisk).not.toContain("demo-api-key");
      expect(JSON.parse(onDisk).attachments).toHaveLength(2);

      // A file written before attachments existed still loads.
      const legacy = path.join(dir, "legacy.json");
      const old = JSON.parse(onDisk);
      delete old.attachments;
      fs.writeFileSync(legacy, JSON.stringify(old));
      const s0 = await startSimulator({ dataFile: legacy });
      expect(s0.attachments()).toEqual([]);
      await s0.close();

      const s2 = await startSimulator({ dataFile, limits: HIGH });
      try {
        expect(s2.attachments().map((a) => [a.uuid, a.uploaded, a.referencedBy?.ticketId])).toEqual([
          [attached.uuid, true, ticketId],
          [pending.uuid, false, undefined],
        ]);
        const back = s2.getTicket(ticketId) as Ticket;
        const url = back.comments[0].attachments[0].url as string;
        expect(url).toBe(`${s2.url}/_files/${encodeURIComponent(attached.uuid)}`);
        expect(Buffer.from(await (await fetch(url)).arrayBuffer())).toEqual(Buffer.from([1, 2, 3]));
        // The pending slot's upload URL (same signature) still works after the restart.
        const u = new URL(pending.upload_url);
        expect((await put(`${s2.url}${u.pathname}${u.search}`, "after restart")).status).toBe(201);
      } finally {
        await s2.close();
      }
    });
  });
});

describe("attachment file-name rules", () => {
  it("extension: after the last dot, lower-cased, ignoring trailing dots and spaces", () => {
    expect(fileExtension("a.LOG")).toBe("log");
    expect(fileExtension("a.tar.gz")).toBe("gz");
    expect(fileExtension("README")).toBe("");
    expect(fileExtension(".exe")).toBe("exe");
    expect(fileExtension("x.exe . ")).toBe("exe");
  });

  it("problems, or undefined for an acceptable name", () => {
    expect(filenameProblem("ok.txt")).toBeUndefined();
    expect(filenameProblem("tab\there.txt")).toMatch(/control character/);
    expect(filenameProblem("a.VBS")).toBe("File extension .vbs is not allowed");
    expect(filenameProblem("a.vbs.txt")).toBeUndefined();
  });
});
