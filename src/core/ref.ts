/**
 * Which resource an operation is about, as the faces tell the core: its organization, project,
 * stack, parent and name (the dynamic face sends them beside the inputs; the plugin takes them
 * from the URN). Markers and process memory key resources by it.
 */
export interface ResourceRef {
  organization?: string;
  project?: string;
  stack?: string;
  /** URN of the resource's parent (a component), if any; the plugin gives its type path. */
  parent?: string;
  name?: string;
  /** The resource's URN, where the face knows it (the plugin does; the dynamic face computes it). */
  urn?: string;
}
