/**
 * The account catalog rules behind `rackspace:validateAgainstAccount`: category names
 * compared as the docs advise, subcategories by product type, severities by account.
 */
import { Account, AccountsResponse, CategoriesResponse, Category } from "../../src/api/schemas";
import { checkChoice, normalizeName, subcategoriesFor } from "../../src/lookups/catalog";

const accounts: Account[] = AccountsResponse.parse({
  accounts: [
    { id: "hybrid:100001", name: "Dedicated", severities: ["Normal", "High"], type: { id: "hybrid", name: "Dedicated" } },
    { id: "faws:2222", name: "AWS", severities: [], type: { id: "faws", name: "AWS" } },
  ],
}).accounts;
const categories: Category[] = CategoriesResponse.parse({
  categories: [
    { id: 2, name: "Billing and Payments", subcategories: [{ name: "General", allowedProducts: ["hybrid"] }, { name: "Other", allowedProducts: ["faws", "cloud"] }] },
    { id: 3, name: "Change", subcategories: [{ name: "General", allowedProducts: ["hybrid"] }] },
  ],
}).categories;

describe("checkChoice", () => {
  it("accepts a valid choice, with category spellings the docs use interchangeably", () => {
    expect(checkChoice({ accountId: "hybrid:100001", category: "Change", subcategory: "General", severity: "High" }, accounts, categories)).toEqual([]);
    expect(checkChoice({ accountId: "hybrid:100001", category: "Billing & Payment", subcategory: "general" }, accounts, categories)).toEqual([]);
    expect(normalizeName("Billing & Payment")).toBe(normalizeName("billing and payments"));
  });

  it("names the valid values in each problem", () => {
    expect(checkChoice({ accountId: "hybrid:999", category: "Change", subcategory: "General" }, accounts, categories)).toEqual([
      { property: "accountId", reason: expect.stringMatching(/not one this user may use.*"hybrid:100001", "faws:2222"/) },
    ]);
    expect(checkChoice({ accountId: "hybrid:100001", category: "Changes to DNS", subcategory: "General" }, accounts, categories)).toEqual([
      { property: "category", reason: expect.stringMatching(/does not exist.*"Billing and Payments", "Change"/) },
    ]);
    expect(checkChoice({ accountId: "faws:2222", category: "Change", subcategory: "General" }, accounts, categories)).toEqual([
      { property: "subcategory", reason: expect.stringMatching(/not open to faws accounts; use another category/) },
    ]);
    expect(checkChoice({ accountId: "faws:2222", category: "Billing and Payments", subcategory: "General" }, accounts, categories)).toEqual([
      { property: "subcategory", reason: expect.stringMatching(/not open to faws accounts; use "Other"/) },
    ]);
    expect(checkChoice({ accountId: "hybrid:100001", category: "Change", subcategory: "General", severity: "Urgent" }, accounts, categories)).toEqual([
      { property: "severity", reason: expect.stringMatching(/"Urgent" is not allowed on account hybrid:100001; it allows "Normal", "High"/) },
    ]);
  });

  it("an account that lists no severities is not judged on severity", () => {
    expect(checkChoice({ accountId: "faws:2222", category: "Billing and Payments", subcategory: "Other", severity: "Emergency" }, accounts, categories)).toEqual([]);
  });

  it("subcategoriesFor filters by product type", () => {
    expect(subcategoriesFor(categories[0], "hybrid")).toEqual(["General"]);
    expect(subcategoriesFor(categories[0], undefined)).toEqual(["General", "Other"]);
  });
});
