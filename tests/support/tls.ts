// A throwaway certificate for `localhost` (and 127.0.0.1), made with openssl. It is its own
// issuer, so pointing a client's trust store at it (gh: SSL_CERT_FILE) is enough.
import { join } from "node:path";
import { tempDir } from "./temp.ts";

export interface TestCertificate { certFile: string; keyFile: string }

export async function localhostCertificate(openssl: string): Promise<TestCertificate> {
  const dir = tempDir("tls");
  const certFile = join(dir, "cert.pem");
  const keyFile = join(dir, "key.pem");
  const proc = Bun.spawn([
    openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
    "-keyout", keyFile, "-out", certFile, "-days", "2", "-subj", "/CN=localhost",
    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    "-addext", "basicConstraints=critical,CA:true",
  ], { stdout: "pipe", stderr: "pipe" });
  const [err, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`openssl failed (${code}): ${err}`);
  return { certFile, keyFile };
}
