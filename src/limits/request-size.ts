// Bounds on what a request may carry before any route looks at it. Bun has its own cap on
// the whole header block (16 KiB unless the runtime is started with a larger
// --max-http-header-size) and answers above it with a bare 431; below it, these checks answer
// with GitHub's JSON error.
import { ApiError } from "../errors.ts";

/** Where the request target (path and query) starts in an absolute request URL. */
export function targetStart(url: string): number {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start === -1 ? url.length : start;
}

export function headerBytes(headers: Headers): number {
  let total = 0;
  // Each line is `name: value\r\n`.
  headers.forEach((value, name) => {
    total += name.length + value.length + 4;
  });
  return total;
}

/** A 414 or 431 for a request over the limits; null when it is within them. */
export function oversizeRequest(request: Request, maxUrlBytes: number, maxHeaderBytes: number): ApiError | null {
  const url = request.url;
  if (maxUrlBytes > 0 && url.length - targetStart(url) > maxUrlBytes) {
    return new ApiError("too_large", `URI Too Long: the request target is over ${maxUrlBytes} bytes`, { status: 414 });
  }
  if (maxHeaderBytes > 0 && headerBytes(request.headers) > maxHeaderBytes) {
    return new ApiError("too_large", `Request Header Fields Too Large: the headers are over ${maxHeaderBytes} bytes`, { status: 431 });
  }
  return null;
}
