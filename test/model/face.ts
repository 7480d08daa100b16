/** Guarantee: the two faces a run may be played with, each with the module and classes its program takes and the type tokens its state records. */
import fc from "fast-check";

/** `dynamic`: RackspaceTicket / RackspaceTicketComment (the dynamic provider); `plugin`: the provider plugin's Ticket / TicketComment. */
export type Face = "dynamic" | "plugin";
export const FACES: readonly Face[] = ["dynamic", "plugin"];

export interface FaceSpec {
  /** What the program requires, and the two classes it takes from it (as `Ticket`, `TicketComment`). */
  require: string;
  ticketClass: string;
  commentClass: string;
  /** The type tokens of its resources in the state and in URNs. */
  ticketType: string;
  commentType: string;
  /** Whether the project's Pulumi.yaml must point the engine at the plugin (`plugins.providers`). */
  plugin: boolean;
}

export const FACE_SPECS: Readonly<Record<Face, FaceSpec>> = {
  dynamic: {
    require: "pulumi-rackspace-ticketing",
    ticketClass: "RackspaceTicket",
    commentClass: "RackspaceTicketComment",
    ticketType: "pulumi-nodejs:dynamic/rackspace:Ticket",
    commentType: "pulumi-nodejs:dynamic/rackspace:TicketComment",
    plugin: false,
  },
  plugin: {
    require: "pulumi-rackspace-ticketing/plugin",
    ticketClass: "Ticket",
    commentClass: "TicketComment",
    ticketType: "rackspace:ticketing:Ticket",
    commentType: "rackspace:ticketing:TicketComment",
    plugin: true,
  },
};

/** The face of a run, drawn by fast-check among `faces` (so a seed, a path and shrinking keep it). */
export function faceArb(faces: readonly Face[] = FACES): fc.Arbitrary<Face> {
  return fc.constantFrom(...faces);
}

/** Parses a `--face` value: one face, or `both` (or nothing) for both. */
export function parseFaces(v: string | undefined): readonly Face[] {
  if (v === undefined || v === "" || v === "both") return FACES;
  if ((FACES as readonly string[]).includes(v)) return [v as Face];
  throw new Error(`MODEL_FACE must be dynamic, plugin or both, got ${JSON.stringify(v)}`);
}
