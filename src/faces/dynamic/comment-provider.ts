/**
 * RackspaceTicketCommentProvider: the dynamic face of the CommentEngine
 * (../../core/comment/engine). The dynamic provider host loads it by name through ./impl, never
 * serialized; its lines go to the engine's log, on the resource's row (../engine-log).
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { CommentEngine } from "../../core/comment/engine";
import { DYNAMIC_COMMENT_TYPE } from "../../core/ticket/urn";

export type { TicketDiff } from "../../core/ticket/diff";
import { engineAddressFromArgv, engineSink } from "../engine-log";

export class RackspaceTicketCommentProvider extends CommentEngine implements dynamic.ResourceProvider {
  constructor() {
    super(DYNAMIC_COMMENT_TYPE, (fallback) => engineSink(engineAddressFromArgv(), fallback));
  }
}
