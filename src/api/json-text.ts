// A handler's answer already serialized: conditionalRequests (etag.ts) sends its text as the
// body instead of serializing the value, as it does for the plain objects handlers return.
export class JsonText {
  constructor(readonly text: string) {}
}
