/**
 * A change ticket declared beside the infrastructure it touches.
 *
 * The "infrastructure" is an nginx site config for a Rackspace dedicated server. No cloud
 * provider plugin is involved, so the server is modelled honestly by a small dynamic
 * resource defined below: it writes the site's config file into a local directory (your
 * stand-in for /etc/nginx/sites-enabled on the server), rewrites it on update and removes it
 * on delete. The change ticket is opened after the file is written, lists the server as its
 * resource URL, describes exactly what was deployed (path and SHA-256 of the config) and
 * carries the config file itself as an attachment.
 *
 * The server is looked up in Rackspace's resources API (`getResources`) by name, so the
 * ticket names the device Rackspace knows; `change-ticket:server` sets its URL instead.
 *
 *   pulumi config set change-ticket:upstream http://10.0.0.12:8080   # a change → a new ticket
 *   pulumi config set change-ticket:serverQuery web02.example.com    # another server
 */
import * as crypto from "node:crypto";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { getResourcesOutput, RackspaceTicket } from "pulumi-rackspace-ticketing";

// ---------------------------------------------------------------------------------------
// NginxSite: one nginx site config file, `${directory}/${serverName}.conf`.
// ---------------------------------------------------------------------------------------

interface NginxSiteInputs {
  /** Directory the config file is written to (absolute): the server's sites-enabled. */
  directory: string;
  /** nginx `server_name`; also the file name. */
  serverName: string;
  /** The file's text. */
  content: string;
  /** Resource URL of the server the site is deployed on. */
  server: string;
}

interface NginxSiteOutputs extends NginxSiteInputs {
  /** Absolute path of the config file (also the resource id). */
  path: string;
  /** SHA-256 of the file as written, or as found by `pulumi refresh`. */
  sha256: string;
}

/**
 * The provider is serialized into the stack state and run by Pulumi's dynamic provider
 * host, so it loads Node's modules inside its methods instead of capturing them.
 */
const nginxSiteProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: NginxSiteInputs, news: NginxSiteInputs) {
    const failures: pulumi.dynamic.CheckFailure[] = [];
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(news.serverName ?? "")) failures.push({ property: "serverName", reason: "must be a host name" });
    if (!(news.directory ?? "").startsWith("/")) failures.push({ property: "directory", reason: "must be an absolute path" });
    if (typeof news.content !== "string" || news.content === "") failures.push({ property: "content", reason: "must be the file's text" });
    return { inputs: news, failures };
  },

  async diff(_id: string, olds: NginxSiteOutputs, news: NginxSiteInputs) {
    const keys: (keyof NginxSiteInputs)[] = ["directory", "serverName", "content", "server"];
    const changed = keys.filter((k) => olds[k] !== news[k]);
    // A file edited by hand (seen by `pulumi refresh`) is rewritten.
    if (olds.sha256 !== (await sha256(news.content))) changed.push("content");
    return {
      changes: changed.length > 0,
      replaces: changed.filter((k) => k === "directory" || k === "serverName"),
      deleteBeforeReplace: false,
    };
  },

  async create(inputs: NginxSiteInputs) {
    const outs = await writeSite(inputs);
    return { id: outs.path, outs };
  },

  async read(id: string, props: NginxSiteOutputs) {
    const fs = await import("node:fs/promises");
    try {
      return { id, props: { ...props, sha256: await sha256(await fs.readFile(id, "utf8")) } };
    } catch {
      return {}; // The file is gone: so is the site.
    }
  },

  async update(_id: string, _olds: NginxSiteOutputs, news: NginxSiteInputs) {
    return { outs: await writeSite(news) };
  },

  async delete(id: string) {
    const fs = await import("node:fs/promises");
    await fs.rm(id, { force: true });
  },
};

async function sha256(text: string): Promise<string> {
  const crypto = await import("node:crypto");
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** Writes the file atomically (temp file + rename) and returns the outputs. */
async function writeSite(inputs: NginxSiteInputs): Promise<NginxSiteOutputs> {
  const fs = await import("node:fs/promises");
  const file = `${inputs.directory}/${inputs.serverName}.conf`;
  await fs.mkdir(inputs.directory, { recursive: true });
  await fs.writeFile(`${file}.tmp`, inputs.content);
  await fs.rename(`${file}.tmp`, file);
  return { ...inputs, path: file, sha256: await sha256(inputs.content) };
}

class NginxSite extends pulumi.dynamic.Resource {
  declare public readonly path: pulumi.Output<string>;
  declare public readonly sha256: pulumi.Output<string>;
  declare public readonly server: pulumi.Output<string>;

  constructor(name: string, args: { [K in keyof NginxSiteInputs]: pulumi.Input<NginxSiteInputs[K]> }, opts?: pulumi.CustomResourceOptions) {
    super(nginxSiteProvider, name, { ...args, path: undefined, sha256: undefined }, opts, "change-ticket", "NginxSite");
  }
}

// ---------------------------------------------------------------------------------------
// The stack: the site, then the change ticket that describes it.
// ---------------------------------------------------------------------------------------

const config = new pulumi.Config();
const serverName = config.get("serverName") ?? "shop.example.com";
const upstream = config.get("upstream") ?? "http://10.0.0.11:8080";
const listen = config.getNumber("listen") ?? 80;
const serverQuery = config.get("serverQuery") ?? "web01.example.com";
// The device's URL as the resources API gives it (what a ticket's `resources` takes).
const server: pulumi.Output<string> =
  config.get("server") !== undefined
    ? pulumi.output(config.require("server"))
    : getResourcesOutput({ q: serverQuery, status: "online" }).apply((found) => {
        if (found.length !== 1) {
          throw new Error(`change-ticket:serverQuery ${JSON.stringify(serverQuery)} matches ${found.length} online devices (${found.map((r) => r.name).join(", ") || "none"}); make it match exactly one`);
        }
        return found[0].url;
      });
// Relative paths are taken from the project directory; the state keeps the absolute path.
const directory = path.resolve(config.get("siteDir") ?? "sites-enabled");

const siteConfig = (serverUrl: string) => `# Managed by Pulumi (change-ticket example). Server: ${serverUrl}
server {
    listen ${listen};
    server_name ${serverName};

    location / {
        proxy_pass ${upstream};
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }
}
`;
const content = server.apply(siteConfig);
// Computed here, not read from the resource, so `pulumi preview` shows the ticket's exact text.
const contentSha256 = content.apply((text) => crypto.createHash("sha256").update(text).digest("hex"));

const site = new NginxSite("shop-site", { directory, serverName, content, server });

const ticket = new RackspaceTicket(
  "nginx-change",
  {
    accountId: config.get("accountId") ?? "hybrid:100001",
    subject: `nginx site ${serverName}: proxy to ${upstream}`,
    category: "Change",
    subcategory: "General",
    severity: "Normal",
    // What the change is, exactly: any edit of the site config changes this text, which opens
    // a new ticket for the new change and closes the previous one (a replacement).
    description: pulumi
      .all([server, contentSha256])
      .apply(([serverUrl, sha]) =>
        [
          `Deploy the nginx site ${serverName} on ${serverUrl}: listen on ${listen}, proxy to ${upstream}.`,
          `Config file: ${path.join(directory, `${serverName}.conf`)} (sha256 ${sha}), attached.`,
          "Rollback: redeploy the previous stack version (pulumi up from the previous commit).",
        ].join("\n"),
      ),
    // The config itself, for the Racker reviewing the change.
    attachments: [{ filename: `${serverName}.conf`, content }],
    resources: [site.server],
  },
  // Open the ticket once the file is written (and close it before the file is removed).
  { dependsOn: [site] },
);

export const ticketId = ticket.ticketId;
export const status = ticket.status;
export const resources = ticket.resources;
export const siteConfigPath = site.path;
export const siteConfigSha256 = site.sha256;
/** One line per comment: author, and the comment's first line. */
export const thread = ticket.thread.apply((entries) => entries.map((c) => `${c.authorName} (${c.authorType}): ${c.text.split("\n")[0]}`));
