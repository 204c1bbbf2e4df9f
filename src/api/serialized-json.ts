// A handler's answer that is already JSON text: the answer cache (src/http/answers.ts) sends
// the text as the body instead of serializing a value, as it does for the plain objects
// other handlers return.
export class SerializedJson {
  constructor(readonly text: string) {}
}
