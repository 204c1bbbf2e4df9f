// A handler's answer that is already JSON, as the steps that write it: the answer cache
// (src/http/answers.ts) writes them, in order, as the body instead of serializing a value, as
// it does for the plain objects other handlers return. A step is new text, or a Repeated: text
// the answer writes more than once (a template's fixed text, a repository, an actor, a run's
// URL). A repeat is written as a copy of its last copy in the body, and gzip sends it as a
// back-reference to that copy instead of searching the text for it (src/http/json-plan.ts).
// No string of the whole answer is made: the steps are written as UTF-8 straight into the body.

/** Text an answer writes more than once. */
export class Repeated {
  /** Its UTF-8 length, once counted (-1 before): the first copy a body writes counts it. */
  utf8 = -1;
  /** The text. */
  readonly text: string;
  /** A composite's: the steps that write its first copy in gzip (the body takes the text whole). */
  readonly steps: readonly PlanStep[] | null = null;
  /** Where its last copy began in the answer being written, and which answer that is (json-plan.ts). */
  at = 0;
  answer = 0;
  /** The writer that last wrote a composite, and about where its copy began in that writer's answer. */
  writer = 0;
  writtenAt = 0;
  /** A large composite's text as deflate blocks of its own, made by the first gzip member to hold it (json-plan.ts). */
  deflated: Uint8Array | null = null;

  constructor(content: string | readonly PlanStep[]) {
    if (typeof content === "string") this.text = content;
    else {
      this.steps = content;
      let text = "";
      for (const step of content) {
        if (typeof step === "string") text += step;
        else if (step instanceof Repeated) text += step.text;
      }
      this.text = text;
    }
  }

  get byteLength(): number {
    return this.utf8 >= 0 ? this.utf8 : (this.utf8 = utf8Length(this.text));
  }

  /**
   * `text` as a composite: its first copy written with each occurrence of `inner`'s text in it
   * as that Repeated (a repository's URL, forty times in its JSON), its later copies whole.
   * `shared` gives the Repeated for each text between them, where others have the same text
   * (the actors of one answer).
   */
  static around(text: string, inner: Repeated, shared?: (piece: string) => Repeated): Repeated {
    const pieces = text.split(inner.text);
    const steps: PlanStep[] = [];
    pieces.forEach((piece, i) => {
      if (i > 0) steps.push(inner);
      if (piece !== "") steps.push(shared ? shared(piece) : piece);
    });
    return new Repeated(steps);
  }
}

/**
 * In a plan, where the first copy of a composite Repeated begins: its `steps` steps follow.
 * The body is written from the composite's text at once and skips them; gzip follows them.
 */
export class Mark {
  steps = 0;
  constructor(readonly of: Repeated) {}
}

export type PlanStep = string | Repeated | Mark;

export class SerializedJson {
  constructor(readonly plan: readonly PlanStep[]) {}
}

/** What a writer's template takes between its fixed texts: text, a number, or a Repeated. */
export type Written = string | number | Repeated;

/** Each template's fixed texts, as Repeated, kept by the template's own strings (the same array at every call of one template). */
const templates = new WeakMap<TemplateStringsArray, (Repeated | null)[]>();

/**
 * Writes an answer's steps through tagged templates: each fixed text of a template is a
 * Repeated (the same for every call of the template: a run's field names are written thirty
 * times a page), each value new text unless it is a Repeated itself. Strings given are
 * written as they are: JSON text, already escaped.
 */
export class JsonWriter {
  private readonly plan: PlanStep[] = [];
  private readonly id = ++writers;
  /** About how many bytes are written so far (a UTF-16 unit counted as one): where a composite's last copy lies. */
  private size = 0;

  /** A template: its fixed texts and values in order. */
  write(strings: TemplateStringsArray, ...values: Written[]): void {
    let fixed = templates.get(strings);
    if (fixed === undefined) templates.set(strings, (fixed = strings.map((s) => (s === "" ? null : new Repeated(s)))));
    const plan = this.plan;
    let size = this.size;
    for (let i = 0; i < values.length; i++) {
      const f = fixed[i]!;
      if (f !== null) {
        plan.push(f);
        size += f.text.length;
      }
      const value = values[i]!;
      if (typeof value === "object") {
        this.size = size;
        this.again(value);
        size = this.size;
      } else {
        const text = typeof value === "number" ? String(value) : value;
        if (text !== "") {
          plan.push(text);
          size += text.length;
        }
      }
    }
    const last = fixed[values.length]!;
    if (last !== null) {
      plan.push(last);
      size += last.text.length;
    }
    this.size = size;
  }

  /** New text. */
  literal(text: string): void {
    if (text === "") return;
    this.plan.push(text);
    this.size += text.length;
  }

  /**
   * A Repeated on its own. A composite is written by its steps the first time in this answer,
   * and again when its last copy lies too far back for gzip to refer to (its steps' own
   * Repeated are likelier to be near: an actor's URLs and field names, say).
   */
  again(repeated: Repeated): void {
    const at = this.size;
    if (repeated.steps === null) this.plan.push(repeated);
    else if (repeated.writer === this.id && at - repeated.writtenAt <= nearBytes) {
      this.plan.push(repeated);
      repeated.writtenAt = at;
    } else {
      repeated.writer = this.id;
      repeated.writtenAt = at;
      const mark = new Mark(repeated);
      this.plan.push(mark);
      const first = this.plan.length;
      for (const step of repeated.steps) {
        if (typeof step === "string") this.literal(step);
        else if (step instanceof Repeated) this.again(step);
      }
      mark.steps = this.plan.length - first;
      return;
    }
    this.size = at + repeated.text.length;
  }

  done(): SerializedJson {
    return new SerializedJson(this.plan);
  }
}

/** How far back a composite's copy may be to be referred to (deflate's window is 32 KiB), with room for a count that runs short. */
const nearBytes = 30_000;
let writers = 0;

/** The length of a string's UTF-8 (as TextEncoder writes it: a lone surrogate is U+FFFD, three bytes). */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A pair: two code units, four bytes.
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}
