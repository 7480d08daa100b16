/**
 * The package's public surface, read from the built declarations (dist/) of its three entry
 * points: exactly the names a user needs (an export added or removed is a decision, made here),
 * and every optional property a program may set or read admits `undefined`, so a program
 * compiled with `exactOptionalPropertyTypes` may pass `cond ? value : undefined`. That the
 * declarations compile in a user's project, and reach no zod, is test/e2e/user-types.test.ts.
 */
import * as path from "node:path";
import ts from "typescript";
import { ensureBuilt, REPO_ROOT } from "../helpers/provider-host";

const ENTRIES = {
  "pulumi-rackspace-ticketing": "dist/index.d.ts",
  "pulumi-rackspace-ticketing/plugin": "dist/faces/plugin/classes.d.ts",
  "pulumi-rackspace-ticketing/simulator": "dist/simulator/index.d.ts",
} as const;

let program: ts.Program;
beforeAll(() => {
  ensureBuilt();
  program = ts.createProgram(
    Object.values(ENTRIES).map((f) => path.join(REPO_ROOT, f)),
    { noEmit: true, strict: true, module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16, target: ts.ScriptTarget.ES2022, types: ["node"] },
  );
});

function exportsOf(file: string): string[] {
  const checker = program.getTypeChecker();
  const sf = program.getSourceFile(path.join(REPO_ROOT, file));
  if (!sf) throw new Error(`${file} is not in the program`);
  return checker.getExportsOfModule(checker.getSymbolAtLocation(sf)!).map((s) => s.name).sort();
}

describe("the public surface (dist/ declarations)", () => {
  it("pulumi-rackspace-ticketing: the resources, their args and outputs, the errors, the lookups, CONFIG_KEYS", () => {
    expect(exportsOf(ENTRIES["pulumi-rackspace-ticketing"])).toEqual(
      [
        // the resources and their arguments
        "RackspaceTicket",
        "RackspaceTicketArgs",
        "AttachmentArgs",
        "CommentArgs",
        "WaitForArgs",
        "RackspaceTicketComment",
        "RackspaceTicketCommentArgs",
        // what their outputs and state records hold
        "ApprovalOutput",
        "AttachmentInput",
        "CommentInput",
        "EntryRecord",
        "GateBaseline",
        "NoteRecord",
        "PersonOutput",
        "ThreadAttachment",
        "ThreadEntry",
        "ThreadMessage",
        "TicketCommentOutputs",
        "TicketOutputs",
        "UnconfirmedCreate",
        "WaitForInput",
        // the errors (the lookups throw RackspaceApiError)
        "TicketOperationError",
        "TicketPartialFailure",
        "RackspaceApiError",
        "ApiCallRetryLimits",
        "ApiErrorKind",
        "ApiOperation",
        // the lookups
        "getAccounts",
        "getAccountsOutput",
        "getCategories",
        "getCategoriesOutput",
        "getResources",
        "getResourcesOutput",
        "Account",
        "Category",
        "Subcategory",
        "GetResourcesArgs",
        "LookupOptions",
        "ResourceInfo",
        // stack config
        "CONFIG_KEYS",
      ].sort(),
    );
  });

  it("pulumi-rackspace-ticketing/plugin: the plugin's classes", () => {
    expect(exportsOf(ENTRIES["pulumi-rackspace-ticketing/plugin"])).toEqual(["Provider", "ProviderArgs", "Ticket", "TicketComment"]);
  });

  it("pulumi-rackspace-ticketing/simulator: startSimulator, its options and types, its defaults", () => {
    const names = exportsOf(ENTRIES["pulumi-rackspace-ticketing/simulator"]);
    expect(names).toEqual(expect.arrayContaining(["startSimulator", "Simulator", "SimulatorOptions", "RackerRule", "Fault", "DEFAULT_ACCOUNTS", "DEMO_API_KEY", "MAX_RACKER_DELAY_MS"]));
    expect(names.filter((n) => /Schema$|^create|Engine|Pipeline/.test(n))).toEqual([]);
  });

  it("the internals are not among them", () => {
    const root = exportsOf(ENTRIES["pulumi-rackspace-ticketing"]);
    for (const internal of ["EngineInputs", "Bookkeeping", "TicketRecord", "ReadOutcome", "CheckFailure", "TicketInputs", "CommentResourceInputs", "RackspaceTicketProvider", "RackspaceTicketCommentProvider", "api"]) {
      expect([internal, root.includes(internal)]).toEqual([internal, false]);
    }
  });

  it("every optional property the public declarations reach admits undefined (exactOptionalPropertyTypes)", () => {
    const dist = path.join(REPO_ROOT, "dist") + path.sep;
    const missing: string[] = [];
    const admitsUndefined = (t: ts.TypeNode): boolean =>
      t.kind === ts.SyntaxKind.UndefinedKeyword || t.kind === ts.SyntaxKind.UnknownKeyword || t.kind === ts.SyntaxKind.AnyKeyword || (ts.isUnionTypeNode(t) && t.types.some(admitsUndefined));
    const files = program.getSourceFiles().filter((sf) => sf.fileName.startsWith(dist));
    expect(files.length).toBeGreaterThan(3);
    for (const sf of files) {
      const visit = (node: ts.Node): void => {
        if (ts.isPropertySignature(node) && node.questionToken && node.type && !admitsUndefined(node.type)) {
          const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
          missing.push(`${path.relative(REPO_ROOT, sf.fileName)}:${line + 1} ${node.getText(sf).replace(/\s+/g, " ")}`);
        }
        ts.forEachChild(node, visit);
      };
      visit(sf);
    }
    expect(missing).toEqual([]);
  });
});
