/**
 * How an approval gate's pattern reads a Racker reply. The guarantee: a plain-text
 * `approval` opens the gate only on a reply that states the phrase, as whole words, outside
 * quoted text, in a clause that is not a question and has no negation, condition or future
 * before it. When the rule cannot tell, the reply does not approve (the gate waits: the safe
 * side). A plain-text `rejection` counts wherever the phrase appears (failing is the safe side).
 *
 * The rule (docs/approval-gate.md tells it to users):
 * 1. `/source/flags` is a JavaScript regular expression tested against the whole reply, as
 *    written (the `g` and `y` flags are dropped so `test` has no state; invalid → undefined).
 *    Anything else is plain text: a literal phrase, never a regular expression.
 * 2. Plain text matches case-insensitively, any whitespace run in the phrase matching any
 *    whitespace run in the reply, as whole words: where the phrase starts (ends) with a letter
 *    or digit, the character before (after) it must not be a letter, digit, mark, `_`, `-`, `'`
 *    or `’`. Both texts are compared in NFC with format characters (soft hyphen, zero-width
 *    space…) removed, so a hidden character cannot split `unapproved` into a whole word.
 * 3. For `approval` an occurrence counts only when:
 *    - it is outside quoted text: `"…"`, `“…”`, `„…“`, `«…»`, `‘…’`, `` `…` ``, `'…'` whose
 *      quotes stand at word edges (the apostrophe of `isn't` is no quote), lines starting
 *      with `>`, and URLs (`https://…`); a quote left open hides the rest of the reply;
 *    - its clause (the text between `.` `!` `?` `;` `:` or line breaks outside closed quotes;
 *      commas do not split) is no question: no `?` after the occurrence in the clause (quoted
 *      or not) nor in the run of marks that ends it (`?!`, `...?`);
 *    - no blocking word stands before it in its clause: a negation, condition, time or
 *      modality word (BLOCKING below, or any word ending in `n't`/`n’t`), quoted or not.
 *      Words of the phrase itself never block it.
 * 4. For `rejection` any whole-word occurrence counts; there an apostrophe glues only inside a
 *    word, so `'rejected'` says it (failing is the safe side).
 */

/** How a gate pattern decides whether one Racker reply says it. */
export interface ReplyMatcher {
  /** Whether the reply's text says it, by the rule of this matcher's form. */
  test(text: string): boolean;
  /** How messages name it, e.g. `the phrase "approved"` or `/^ok$/i`. */
  readonly description: string;
}

/** The matcher of an `approval` pattern (undefined when a `/…/flags` pattern is not a valid regular expression). */
export function approvalMatcher(pattern: string): ReplyMatcher | undefined {
  return matcherOf(pattern, true);
}

/** The matcher of a `rejection` pattern (same forms). */
export function rejectionMatcher(pattern: string): ReplyMatcher | undefined {
  return matcherOf(pattern, false);
}

/** Words that, standing before an occurrence in its clause, keep it from approving. */
const BLOCKING: ReadonlySet<string> = new Set([
  // negations (and contractions typed without their apostrophe)
  ...["not", "no", "never", "neither", "nor", "none", "nobody", "nothing", "cannot", "without"],
  ...["dont", "doesnt", "didnt", "isnt", "arent", "wasnt", "werent", "cant", "couldnt", "wont", "wouldnt"],
  ...["shouldnt", "hasnt", "havent", "hadnt", "mustnt", "neednt", "aint"],
  // conditions and time
  ...["if", "unless", "until", "once", "whether", "when", "before", "pending", "awaiting", "yet"],
  // modality and future
  ...["be", "will", "would", "should", "could", "might", "may", "must", "shall", "need", "needs", "needed", "going", "wait", "waiting"],
]);

/** Longest phrase a description shows. */
const SHOWN = 80;
/** A letter, digit or mark. */
const LETTER = String.raw`[\p{L}\p{N}\p{M}]`;
/** Characters that glue onto a word: a phrase next to one is part of a longer word (WORD_CHAR: apostrophes too). */
const GLUE = String.raw`[\p{L}\p{N}\p{M}_\-]`;
const WORD_CHAR = String.raw`[\p{L}\p{N}\p{M}_\-'’]`;
/** The marks that end a clause (so do line breaks). */
const MARKS = new Set([".", "!", "?", ";", ":"]);
const LINE_BREAKS = new Set(["\n", "\r", "\u2028", "\u2029"]);
const ALNUM_BEFORE = new RegExp(`${LETTER}$`, "u");
const ALNUM_AFTER = new RegExp(`^${LETTER}`, "u");
/** Each quote that opens a quoted span, with the characters that close it. */
const QUOTES: Readonly<Record<string, string>> = { '"': '"', "“": "”", "„": "“”", "«": "»", "‘": "’", "`": "`", "'": "'" };
/** Marks of hidden characters (hiddenSpans). */
const CLOSED = 1;
const UNCLOSED = 2;
const QUOTE_LINE = /^[ \t]*>.*$/gmu;
const URL = /\b[a-z][a-z\d+.-]*:\/\/[^\s"“”„«»‘’`<>]+/giu;

/** NFC, without format characters (soft hyphen, zero-width space and joiners, direction marks). */
function clean(text: string): string {
  return text.normalize("NFC").replace(/\p{Cf}/gu, "");
}

function matcherOf(pattern: string, approval: boolean): ReplyMatcher | undefined {
  const re = /^\/(.+)\/([a-z]*)$/s.exec(pattern);
  if (re) {
    let regex: RegExp;
    try {
      regex = new RegExp(re[1], re[2].replace(/[gy]/g, ""));
    } catch {
      return undefined;
    }
    return { test: (text) => regex.test(text), description: regex.toString() };
  }
  const description = `the phrase ${JSON.stringify(pattern.length <= SHOWN ? pattern : `${pattern.slice(0, SHOWN)}…`)}`;
  const phrase = phraseRegExp(pattern, approval);
  if (!phrase) return { test: () => false, description };
  return { test: (text) => (approval ? approves(phrase, clean(text)) : phrase.test(clean(text))), description };
}

/**
 * The phrase as a regular expression (literal, without case, flexible whitespace, whole words);
 * undefined for a blank phrase. For a rejection an apostrophe glues only inside a word (`'rejected'`
 * still says it); for an approval any apostrophe glues.
 */
function phraseRegExp(pattern: string, approval: boolean): RegExp | undefined {
  const words = clean(pattern).trim().split(/\s+/u).filter((w) => w !== "");
  if (words.length === 0) return undefined;
  const body = words.map((w) => w.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&")).join(String.raw`\s+`);
  const glueBefore = approval ? WORD_CHAR : String.raw`${GLUE}|${LETTER}['’]`;
  const glueAfter = approval ? WORD_CHAR : String.raw`${GLUE}|['’]${LETTER}`;
  const before = /^[\p{L}\p{N}]/u.test(words[0]) ? `(?<!${glueBefore})` : "";
  const after = /[\p{L}\p{N}]$/u.test(words[words.length - 1]) ? `(?!${glueAfter})` : "";
  // Without `g`: `test` keeps no state; `approves` makes its own global copy.
  return new RegExp(before + body + after, "iu");
}

/** Whether any occurrence of `phrase` in `text` counts as an approval (rule 3). */
function approves(phrase: RegExp, text: string): boolean {
  const all = new RegExp(phrase.source, "giu");
  let r: Reading | undefined;
  for (let m = all.exec(text); m; m = all.exec(text)) {
    const start = m.index;
    let end = start + m[0].length;
    all.lastIndex = start + 1; // overlapping occurrences too: a later one may count
    r ??= read(text);
    if (r.hidden.subarray(start, end).some((h) => h !== 0)) continue;
    if (r.blockerStart[start] >= r.clauseStart[start]) continue;
    while (end > start && MARKS.has(text[end - 1])) end--; // the phrase's own closing marks belong to the run that ends the clause
    const clauseEnd = r.clauseEnd[end];
    if (r.questions[clauseEnd] > r.questions[end]) continue; // a `?` after it in its clause, quoted too: the safe side
    if (clauseEnd < text.length && MARKS.has(text[clauseEnd]) && r.askingRun[clauseEnd] === 1) continue;
    return true;
  }
  return false;
}

/** What `approves` needs of a reply, indexed by position (0…length) and read once, in linear time. */
interface Reading {
  hidden: Uint8Array;
  /** Where the clause holding each position starts. */
  clauseStart: Int32Array;
  /** The first character at or after each position that ends a clause (the length when none). */
  clauseEnd: Int32Array;
  /** The start of the last blocking word that ends at or before each position (-1 when none). */
  blockerStart: Int32Array;
  /** How many `?` stand before each position. */
  questions: Int32Array;
  /** 1 where a run of clause marks, spaces and tabs starts that holds a `?` (`?!`, `...?`, `. ?`). */
  askingRun: Uint8Array;
}

function read(text: string): Reading {
  const n = text.length;
  const hidden = hiddenSpans(text);
  // A mark or line break ends a clause outside closed quotes (an unclosed quote's marks still split).
  const splits = (i: number) => hidden[i] !== CLOSED && (MARKS.has(text[i]) || LINE_BREAKS.has(text[i]));
  const clauseStart = new Int32Array(n + 1);
  const questions = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    clauseStart[i + 1] = splits(i) ? i + 1 : clauseStart[i];
    questions[i + 1] = questions[i] + (text[i] === "?" ? 1 : 0);
  }
  const clauseEnd = new Int32Array(n + 1).fill(n);
  const askingRun = new Uint8Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    clauseEnd[i] = splits(i) ? i : clauseEnd[i + 1];
    const c = text[i];
    askingRun[i] = c === "?" ? 1 : c === " " || c === "\t" || MARKS.has(c) ? askingRun[i + 1] : 0;
  }
  const blockerStart = new Int32Array(n + 1).fill(-1);
  for (const m of text.matchAll(/[\p{L}\p{N}\p{M}'’]+/gu)) {
    if (isBlocking(m[0])) blockerStart[m.index + m[0].length] = m.index;
  }
  for (let i = 1; i <= n; i++) blockerStart[i] = Math.max(blockerStart[i], blockerStart[i - 1]);
  return { hidden, clauseStart, clauseEnd, blockerStart, questions, askingRun };
}

/** Whether a word (letters, digits, apostrophes) is a blocking word, quotes around it aside. */
function isBlocking(token: string): boolean {
  const word = token.toLowerCase().replace(/^['’]+|['’]+$/gu, "");
  return BLOCKING.has(word) || /n['’]t$/u.test(word);
}

/** For each character of `text`: CLOSED inside quote lines, URLs and closed quotes (their quotes included), UNCLOSED after a quote left open, else 0. */
function hiddenSpans(text: string): Uint8Array {
  const hidden = new Uint8Array(text.length);
  for (const m of text.matchAll(QUOTE_LINE)) hidden.fill(CLOSED, m.index, m.index + m[0].length);
  for (const m of text.matchAll(URL)) hidden.fill(CLOSED, m.index, m.index + m[0].length);
  let i = 0;
  while (i < text.length) {
    const closers = QUOTES[text[i]];
    if (hidden[i] !== 0 || closers === undefined || (text[i] === "'" && !opensSingle(text, i))) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < text.length && !(closers.includes(text[j]) && ((text[j] !== "'" && text[j] !== "’") || closesSingle(text, j)))) j++;
    hidden.fill(j < text.length ? CLOSED : UNCLOSED, i, j + 1);
    i = j + 1;
  }
  return hidden;
}

/** A `'` opens a quote at the start of a word: not after a letter or digit, not before a space. */
function opensSingle(text: string, i: number): boolean {
  return !ALNUM_BEFORE.test(text.slice(Math.max(0, i - 2), i)) && i + 1 < text.length && !/\s/u.test(text[i + 1]);
}

/** A `'` or `’` closes a quote at the end of a word: not before a letter or digit (so not the `’` of `it’s`). */
function closesSingle(text: string, i: number): boolean {
  return !ALNUM_AFTER.test(text.slice(i + 1, i + 3));
}
