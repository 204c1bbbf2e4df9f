// A handler's answer that is already JSON: the answer cache (src/http/answers.ts) writes its
// parts, in order, as the body instead of serializing a value, as it does for the plain
// objects other handlers return. A part is text, or text already encoded as UTF-8: a part
// repeated through a large answer (a runs page holds its repository sixty times) is encoded
// once and copied, rather than joined into one long string to be encoded whole.
export type JsonPart = string | Uint8Array;

export class SerializedJson {
  constructor(readonly parts: readonly JsonPart[]) {}
}
