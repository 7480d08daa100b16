import { AddCommentRequest, CreateTicketRequest, describeIssues, PatchTicketRequest, Ticket, TicketList, TokenResponse, AccountsResponse, CategoriesResponse } from "../../src/api/schemas";

const seedRequest = {
  accountId: "hybrid:12345",
  subject: "Help! We need more servers!",
  category: "Incident",
  subcategory: "Other",
  severity: "Urgent",
  comment: {
    text: "We are receiving a ton of traffic, we need more servers!",
    attachments: [{ filename: "server.log", uuid: "1234-server.log" }],
  },
  recipients: ["RPN-3322-23"],
  resources: ["https://resources.api.rackspace.com/resources/dedicated:00001", "https://resources.api.rackspace.com/resources/dedicated:0002"],
};

describe("request schemas (strict)", () => {
  it("accept the seed's POST /tickets example (with its JSON fixed)", () => {
    expect(CreateTicketRequest.parse(seedRequest)).toEqual(seedRequest);
  });

  it("reject unknown fields, empty strings and bad resource URLs, naming the path", () => {
    const r = CreateTicketRequest.safeParse({ ...seedRequest, subject: " ", extra: 1, resources: ["not a url"] });
    expect(r.success).toBe(false);
    const lines = describeIssues(r.error!);
    expect(lines.join("\n")).toMatch(/subject: subject must not be empty/);
    expect(lines.join("\n")).toMatch(/resources\[0\]: must be an absolute http\(s\) resource URL/);
    expect(lines.join("\n")).toMatch(/extra/);
  });

  it("PATCH takes exactly a close or a full resource list", () => {
    expect(PatchTicketRequest.safeParse({ status: "Closed" }).success).toBe(true);
    expect(PatchTicketRequest.safeParse({ resources: [] }).success).toBe(true);
    expect(PatchTicketRequest.safeParse({ status: "Open" }).success).toBe(false);
    expect(PatchTicketRequest.safeParse({ status: "Closed", resources: [] }).success).toBe(false);
    expect(PatchTicketRequest.safeParse({}).success).toBe(false);
  });

  it("sends texts exactly as given (no trimming), so they round-trip", () => {
    expect(AddCommentRequest.parse({ comment: { text: "  indented\n" } }).comment.text).toBe("  indented\n");
  });

  it("a comment needs text", () => {
    expect(AddCommentRequest.safeParse({ comment: { text: "hi" } }).success).toBe(true);
    expect(AddCommentRequest.safeParse({ comment: { text: "" } }).success).toBe(false);
    expect(AddCommentRequest.safeParse({ comment: { text: " \n " } }).success).toBe(false);
    expect(AddCommentRequest.safeParse({ comment: {} }).success).toBe(false);
  });
});

describe("response schemas (tolerant)", () => {
  const ticket = {
    ticketId: "300101-iad-0000001",
    accountId: "hybrid:100001",
    subject: "Need additional capacity",
    status: "Pending Rackspace",
    severity: "Urgent",
    classification: "Incident",
    category: "Incident",
    subcategory: "Other",
    resources: [],
    created: "2030-01-01T10:00:00.000Z",
    modified: "2030-01-01T10:00:00.000Z",
    createdBy: { id: "RPN-000-000-001", name: "Example User", roles: ["Administrative"], type: "customer" },
    modifiedBy: { id: "RPN-000-000-001", name: "Example User", roles: ["Administrative"], type: "customer" },
    comments: [
      {
        id: "300101-iad-0000001-c1",
        text: "Traffic is rising; please advise.",
        created: "2030-01-01T10:00:00.000Z",
        author: { id: "RPN-000-000-001", name: "Example User", roles: ["Administrative"], type: "customer" },
        attachments: [{ filename: "app.log", uuid: "0000-app.log", url: "https://files.example.invalid/app.log" }],
      },
    ],
    recipients: [{ type: "contact", value: "RPN-000-000-001" }],
    futureField: { kept: true },
  };

  it("parse the documented Ticket and keep unknown fields", () => {
    const t = Ticket.parse(ticket);
    expect(t.ticketId).toBe("300101-iad-0000001");
    expect(t.comments[0].author?.type).toBe("customer");
    expect((t as Record<string, unknown>).futureField).toEqual({ kept: true });
  });

  it("accept numeric ids, missing lists, string recipients and a List-typed person type (docs §8.13-15)", () => {
    const t = Ticket.parse({ ticketId: 123456, recipients: ["a@example.com", "RPN-1"], createdBy: { type: ["racker"] } });
    expect(t.ticketId).toBe("123456");
    expect(t.resources).toEqual([]);
    expect(t.comments).toEqual([]);
    expect(t.recipients).toEqual([
      { type: "email", value: "a@example.com" },
      { type: "contact", value: "RPN-1" },
    ]);
    expect(t.createdBy?.type).toBe("racker");
  });

  it("require a ticket id", () => {
    expect(Ticket.safeParse({ subject: "x" }).success).toBe(false);
  });

  it("accept a ticket list wrapped or bare", () => {
    expect(TicketList.parse({ tickets: [ticket] })).toHaveLength(1);
    expect(TicketList.parse([ticket])).toHaveLength(1);
  });

  it("parse accounts, categories and the identity answer", () => {
    expect(AccountsResponse.parse({ accounts: [{ id: "hybrid:1", severities: ["Low"], type: { id: "hybrid" } }] }).accounts[0].severities).toEqual(["Low"]);
    const cats = CategoriesResponse.parse({ categories: [{ id: 3, name: "Change", subcategories: [{ name: "General", allowedProducts: "hybrid" }] }] });
    expect(cats.categories[0].id).toBe("3");
    expect(cats.categories[0].subcategories[0].allowedProducts).toEqual(["hybrid"]);
    expect(TokenResponse.parse({ access: { token: { id: "t", expires: "2030-01-02T03:04:05.678Z" } } }).access.token.id).toBe("t");
    expect(TokenResponse.safeParse({ access: {} }).success).toBe(false);
  });
});
