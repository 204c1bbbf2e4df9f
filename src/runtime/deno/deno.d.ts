// The few Deno APIs the Deno edges use, for the project's TypeScript check (which runs with
// Bun's types); Deno itself brings its own declarations, and this file is never imported.
declare namespace Deno {
  const version: { deno: string; v8: string; typescript: string };
  const args: string[];
  interface NetAddr { transport: "tcp" | "udp"; hostname: string; port: number }
  interface UnixAddr { transport: "unix" | "unixpacket"; path: string }
  type Addr = NetAddr | UnixAddr;
  interface ServeHandlerInfo { remoteAddr: Addr }
  type ServeHandler = (request: Request, info: ServeHandlerInfo) => Response | Promise<Response>;
  interface ServeOptionsBase {
    onError?: (error: unknown) => Response | Promise<Response>;
    onListen?: (addr: Addr) => void;
    signal?: AbortSignal;
  }
  interface ServeTcpOptions extends ServeOptionsBase { hostname?: string; port?: number; cert?: string; key?: string }
  interface ServeUnixOptions extends ServeOptionsBase { path: string }
  interface HttpServer {
    readonly addr: Addr;
    readonly finished: Promise<void>;
    shutdown(): Promise<void>;
    ref(): void;
    unref(): void;
  }
  function serve(options: ServeTcpOptions | ServeUnixOptions, handler: ServeHandler): HttpServer;
  type NativeType = "u8" | "i8" | "u16" | "i16" | "u32" | "i32" | "u64" | "i64" | "usize" | "isize" | "f32" | "f64" | "pointer" | "buffer" | "void";
  interface ForeignFunction { parameters: readonly NativeType[]; result: NativeType }
  function dlopen<S extends Record<string, ForeignFunction>>(path: string, symbols: S): {
    symbols: { [K in keyof S]: (...args: any[]) => any };
    close(): void;
  };
  type PointerObject = { readonly __pointer: unique symbol };
  type PointerValue = null | PointerObject;
  const UnsafePointer: { value(pointer: PointerValue): bigint | number };
  const UnsafePointerView: { getArrayBuffer(pointer: PointerObject, byteLength: number, offset?: number): ArrayBuffer };
  interface TestContext { name: string }
  interface TestDefinition {
    name: string;
    fn: (t: TestContext) => void | Promise<void>;
    ignore?: boolean;
    sanitizeOps?: boolean;
    sanitizeResources?: boolean;
    sanitizeExit?: boolean;
  }
  const test: (definition: TestDefinition) => void;
  function exit(code?: number): never;
}
