import { describe, expect, it } from "vitest";
import { secretsEqual } from "../../src/lib/crypto";

describe("secretsEqual", () => {
  it("is true only for the same secret, whatever the lengths presented", async () => {
    const secret = "rvt_0123456789abcdefGHIJ";
    expect(await secretsEqual(secret, secret)).toBe(true);
    expect(await secretsEqual("", "")).toBe(true);
    expect(await secretsEqual("pässwörd-ünïcode", "pässwörd-ünïcode")).toBe(true);
    for (const other of [
      "",
      secret.slice(0, -1),
      `${secret}x`,
      secret.repeat(4),
      secret.toUpperCase(),
      `${secret.slice(0, -1)}K`,
      "x",
    ]) {
      expect(await secretsEqual(other, secret), JSON.stringify(other)).toBe(false);
      expect(await secretsEqual(secret, other), JSON.stringify(other)).toBe(false);
    }
  });
});
