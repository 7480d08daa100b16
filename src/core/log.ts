/**
 * Where the core's lines go: a sink a face provides (the engine's log, on the resource's row,
 * or stderr). The core only says what a line is and which resource it is about.
 */

/** What a line is and where it belongs. */
export interface LineMeta {
  severity: "info" | "warning";
  /** The resource the line is about (its row in the CLI); the stack's row without one. */
  urn?: string;
}

export type LineSink = (line: string, meta: LineMeta) => void;

/** A sink writing plain lines to `write` (a warning prefixed `warning: `). */
export function plainSink(write: (line: string) => void): LineSink {
  return (line, meta) => write(meta.severity === "warning" ? `warning: ${line}` : line);
}
