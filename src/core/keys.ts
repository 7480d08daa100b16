/**
 * The property keys the provider and RackspaceTicket share: the engine's unknown
 * placeholder and the bookkeeping keys that travel beside the user's inputs. Imports nothing.
 */

/** The engine's placeholder for a value not known until apply (a preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for the engine's unknown placeholder. */
export const isUnknown = (v: unknown): boolean => v === UNKNOWN;

/** The serialized provider travels with the inputs; it is never an input of the ticket. */
export const PROVIDER_KEY = "__provider";
/** The Pulumi resource name, passed by RackspaceTicket so messages can name the resource (`__name` is taken by the SDK). */
export const NAME_KEY = "__resourceName";
/** Project, stack, organization and parent URN, passed by RackspaceTicket for the correlation marker (see ./marker). */
export const PROJECT_KEY = "__project";
export const STACK_KEY = "__stack";
export const ORGANIZATION_KEY = "__organization";
export const PARENT_KEY = "__parent";
/** The resource's URN, when the face knows it (the plugin is given it; the dynamic face forms it from the keys above). */
export const URN_KEY = "__urn";
/** Set by RackspaceTicket when the `import` resource option asked for the adoption: nothing may be changed. */
export const IMPORT_KEY = "__import";
/** The `replaceOnChanges` resource option, which the engine cannot apply to a dynamic provider's diff (it gets no changed keys). */
export const REPLACE_ON_CHANGES_KEY = "__replaceOnChanges";
/** Names of the inputs the program passed as secrets: messages never print their values. */
export const SECRET_INPUTS_KEY = "__secretInputs";
/** The version of the recorded outputs (see ./state). */
export const STATE_VERSION_KEY = "__stateVersion";
/**
 * Carries only secretness: RackspaceTicket sets it to a secret empty list when the
 * description or a comment is secret, so the engine marks the `thread` output (which
 * repeats those texts) secret too. Its value is ignored.
 */
export const THREAD_KEY = "thread";
/** Like THREAD_KEY, for the `posted` records (digests of the comments). */
export const POSTED_KEY = "posted";
/** Like THREAD_KEY, for the `notes` records (digests of the notes). */
export const NOTES_KEY = "notes";
/** Like THREAD_KEY, for the description's digest. */
export const DESCRIPTION_DIGEST_KEY = "descriptionDigest";
/** The inputs that carry only the secretness of an output of the same name: never user inputs. */
export const SECRECY_KEYS: readonly string[] = [THREAD_KEY, POSTED_KEY, NOTES_KEY, DESCRIPTION_DIGEST_KEY];
