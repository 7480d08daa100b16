/**
 * The defaults a simulator starts with when options name none: users, accounts, categories, devices, limits (docs §4.1, §4.2, §7).
 *
 * Assumptions (the docs leave these open): ids and classifications of "Request for
 * Information" (4, Service Request) and "Incident" (5, Incident); every category gets the
 * two subcategories of the categories page (General for hybrid, Other for the rest).
 */
import type { Account, Category, SimResource, SimUser } from "./types/entities";
import type { RateLimits } from "./types/operations";

export const DEMO_USERNAME = "demo";
export const DEMO_API_KEY = "demo-api-key";

export const DEFAULT_USERS: readonly SimUser[] = [
  {
    username: DEMO_USERNAME,
    apiKey: DEMO_API_KEY,
    tenantId: "100002",
    name: "Demo User",
    rpn: "RPN-000-000-001",
    roles: ["Administrative"],
  },
];

const ALL_SEVERITIES = ["Low", "Normal", "High", "Urgent"];

export const DEFAULT_ACCOUNTS: readonly Account[] = [
  {
    name: "Example Dedicated",
    id: "hybrid:100001",
    rcn: "RCN-000-000-001",
    serviceLevel: "navigator",
    severities: ALL_SEVERITIES,
    type: { id: "hybrid", name: "Dedicated" },
    permission: "admin",
    tags: [],
    npsOptOut: false,
  },
  {
    name: "Example AWS",
    id: "faws:100000000001",
    rcn: "RCN-000-000-001",
    serviceLevel: "Aviator",
    severities: ALL_SEVERITIES,
    type: { id: "faws", name: "AWS" },
    permission: "admin",
    tags: [],
    npsOptOut: false,
  },
  {
    name: "Example GCP",
    id: "managed_gcp:example-project-1",
    rcn: "RCN-000-000-001",
    serviceLevel: "runway",
    severities: ["Low"],
    type: { id: "managed_gcp", name: "GCP" },
    permission: "admin",
    tags: [],
    npsOptOut: false,
  },
  {
    name: "Example Cloud",
    id: "100002",
    rcn: "RCN-000-000-001",
    serviceLevel: "navigator",
    severities: ALL_SEVERITIES,
    type: { id: "cloud", name: "Cloud" },
    permission: "admin",
    tags: [],
    npsOptOut: false,
  },
];

const SUBCATEGORIES = () => [
  { name: "General", allowedProducts: ["hybrid"] },
  { name: "Other", allowedProducts: ["cloud", "faws", "managed_gcp"] },
];

export const DEFAULT_CATEGORIES: readonly Category[] = [
  { id: 1, name: "Account", description: "Access, settings, contacts, users", classification: "Service Request", subcategories: SUBCATEGORIES() },
  { id: 2, name: "Billing and Payments", description: "Bills, usage, payments", classification: "Service Request", subcategories: SUBCATEGORIES() },
  { id: 3, name: "Change", description: "Add, remove or modify infrastructure", classification: "Change", subcategories: SUBCATEGORIES() },
  { id: 4, name: "Request for Information", description: "Questions about services and products", classification: "Service Request", subcategories: SUBCATEGORIES() },
  { id: 5, name: "Incident", description: "Something is broken or degraded", classification: "Incident", subcategories: SUBCATEGORIES() },
];

/**
 * Operation-page numbers of docs §5 (the strictest). The docs give no limit for POST /attachment
 * or the resources host: attachment gets a comment-sized budget (5), resources a read-sized one (60).
 */
export const DEFAULT_LIMITS: Readonly<RateLimits> = { create: 1, patch: 5, comment: 5, read: 60, attachment: 5, resources: 60 };

/** How long an upload slot accepts its upload (docs §4.7: 10 minutes). */
export const DEFAULT_ATTACHMENT_TTL_MS = 10 * 60_000;
/** `max_file_size` of an upload slot (docs silent): 25 MiB. */
export const DEFAULT_ATTACHMENT_MAX_BYTES = 25 * 1024 * 1024;

/**
 * Devices of the demo accounts on the resources host (docs §4.8; platform/type/location values
 * are illustrative, as in the docs). Hybrid has servers, a firewall, a load balancer, one offline
 * server and one decommissioned server (never listed); the other accounts have one server each.
 */
export const DEFAULT_RESOURCES: readonly SimResource[] = [
  { id: "dedicated:0001", accountId: "hybrid:100001", name: "web01.example.com", platform: "dedicated", type: "server", location: "DFW1", status: "online", network: { ips: ["10.10.0.11", "203.0.113.11"] } },
  { id: "dedicated:0002", accountId: "hybrid:100001", name: "web02.example.com", platform: "dedicated", type: "server", location: "DFW1", status: "online", network: { ips: ["10.10.0.12", "203.0.113.12"] } },
  { id: "dedicated:0003", accountId: "hybrid:100001", name: "db01.example.com", platform: "dedicated", type: "server", location: "IAD3", status: "online", network: { ips: ["10.20.0.21"] } },
  { id: "dedicated:0004", accountId: "hybrid:100001", name: "edge-fw01", platform: "dedicated", type: "firewall", location: "DFW1", status: "online", network: { ips: ["203.0.113.1", "10.10.0.1"] } },
  { id: "dedicated:0005", accountId: "hybrid:100001", name: "edge-lb01", platform: "dedicated", type: "load balancer", location: "DFW1", status: "online", network: { ips: ["203.0.113.10"] } },
  { id: "dedicated:0006", accountId: "hybrid:100001", name: "web03-old.example.com", platform: "dedicated", type: "server", location: "DFW1", status: "offline", network: { ips: ["10.10.0.13"] } },
  { id: "dedicated:0007", accountId: "hybrid:100001", name: "retired01.example.com", platform: "dedicated", type: "server", location: "DFW1", status: "decommissioned", network: { ips: ["10.10.0.99"] } },
  { id: "faws:i-0a1b2c3d4e5f60001", accountId: "faws:100000000001", name: "app-server-1", platform: "aws", type: "server", location: "us-east-1", status: "online", network: { ips: ["172.31.8.10"] } },
  { id: "gcp:example-project-1:vm-1", accountId: "managed_gcp:example-project-1", name: "gke-node-1", platform: "gcp", type: "server", location: "us-central1-a", status: "online", network: { ips: ["10.128.0.5"] } },
  { id: "cloud:100002:0001", accountId: "100002", name: "cloud-web01", platform: "cloud", type: "server", location: "ORD", status: "online", network: { ips: ["162.242.0.10", "10.176.0.10"] } },
];

export const DEFAULT_WINDOW_MS = 60_000;
export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 3_600_000;
export const DEFAULT_PERSON_ROLES = ["Administrative"];
/** Display name of the Racker when an action names none. */
export const DEFAULT_RACKER_NAME = "Jane D.";
/** The Racker approval `--racker-approve-after` gives every new ticket: this comment and status, in one action. */
export const DEFAULT_RACKER_APPROVAL: Readonly<{ comment: string; status: string }> = { comment: "Approved: change window confirmed.", status: "In Progress" };
