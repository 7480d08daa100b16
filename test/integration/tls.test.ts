/**
 * TLS verification is never disabled: against an HTTPS server with a self-signed
 * certificate on loopback, the client refuses to talk (and says so), and nothing is sent.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { TicketingClient } from "../../src/api/client";
import { NetworkError } from "../../src/api/errors";
import { resetClientState } from "../helpers/sim";

describe("TLS", () => {
  let server: https.Server;
  let url: string;
  let requests = 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tls-"));

  beforeAll(async () => {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1", "-keyout", path.join(dir, "key.pem"), "-out", path.join(dir, "cert.pem")], { stdio: "ignore" });
    server = https.createServer({ key: fs.readFileSync(path.join(dir, "key.pem")), cert: fs.readFileSync(path.join(dir, "cert.pem")) }, (_req, res) => {
      requests++;
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ accounts: [] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a certificate it cannot verify, for Identity and for the Ticketing API", async () => {
    resetClientState();
    const withKey = new TicketingClient({ ticketingUrl: url, identityUrl: url, username: "u", apiKey: "k", retry: { maxAttempts: 1 } }, {});
    const e1 = await withKey.getAccounts().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(NetworkError);
    expect((e1 as NetworkError).message).toMatch(/authenticate failed: network error (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)/);

    const withToken = new TicketingClient({ ticketingUrl: url, authToken: "t", retry: { maxAttempts: 1 } }, {});
    const e2 = await withToken.getAccounts().catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(NetworkError);
    expect((e2 as NetworkError).mayHaveBeenApplied).toBe(false);
    expect(requests).toBe(0);
  });
});
