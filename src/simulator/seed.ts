/**
 * Default users, accounts and categories of the simulator (docs §4.1, §4.2, §7).
 *
 * Assumptions (the docs leave these open): ids and classifications of "Request for
 * Information" (4, Service Request) and "Incident" (5, Incident); every category gets the
 * two subcategories of the categories page (General for hybrid, Other for the rest).
 */
import type { Account, Category, RateLimits, SimUser } from "./types";

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

/** Operation-page numbers of docs §5 (the strictest). */
export const DEFAULT_LIMITS: Readonly<RateLimits> = { create: 1, patch: 5, comment: 5, read: 60 };

export const DEFAULT_WINDOW_MS = 60_000;
export const DEFAULT_TOKEN_LIFETIME_MS = 24 * 3_600_000;
export const DEFAULT_PERSON_ROLES = ["Administrative"];
export const DEFAULT_RACKER_NAME = "Jane D.";
