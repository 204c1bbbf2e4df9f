// The forge stores a token as the lowercase hex SHA-256 of the raw string the client sends.
import { createHash } from "node:crypto";

export const tokenHash = (raw: string): string => createHash("sha256").update(raw).digest("hex");
