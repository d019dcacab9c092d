import { describe, expect, it } from "vitest";
import { inRange, parseIp, parseIpRange } from "../../src/lib/ip";

const matches = (ip: string, range: string) => {
  const a = parseIp(ip);
  const r = parseIpRange(range);
  if (!a || !r) throw new Error(`unparsed: ${ip} ${range}`);
  return inRange(a, r);
};

describe("IP allow-list matching", () => {
  it("matches every spelling of one address", () => {
    expect(matches("::1", "0:0:0:0:0:0:0:1")).toBe(true);
    expect(matches("2001:DB8::7", "2001:db8:0:0:0:0:0:7")).toBe(true);
    expect(matches("::ffff:20.103.56.175", "20.103.56.175")).toBe(true);
    expect(matches("::FFFF:1467:38af", "20.103.56.175")).toBe(true);
    expect(matches("20.103.56.175", "::ffff:20.103.56.175")).toBe(true);
    expect(matches("20.103.56.176", "20.103.56.175")).toBe(false);
    expect(matches("::1", "127.0.0.1")).toBe(false);
  });

  it("matches CIDR ranges of both families", () => {
    expect(matches("127.4.5.6", "127.0.0.0/8")).toBe(true);
    expect(matches("128.0.0.1", "127.0.0.0/8")).toBe(false);
    expect(matches("20.103.56.9", "20.103.56.0/24")).toBe(true);
    expect(matches("20.103.57.9", "20.103.56.0/24")).toBe(false);
    expect(matches("2001:db8:1::5", "2001:db8::/32")).toBe(true);
    expect(matches("2001:db9::5", "2001:db8::/32")).toBe(false);
    expect(matches("::ffff:10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(matches("10.1.2.3", "::ffff:10.0.0.0/104")).toBe(true);
    expect(matches("1.2.3.4", "0.0.0.0/0")).toBe(true);
    expect(matches("::5", "::/0")).toBe(true);
    expect(matches("1.2.3.4", "::/0")).toBe(false);
  });

  it("refuses what is not an address or range", () => {
    for (const bad of [
      "not-an-ip",
      "1.2.3",
      "1.2.3.256",
      "01.2.3.4",
      "1.2.3.4/33",
      "1.2.3.4/08",
      "2001:db8::/129",
      "1::2::3",
      "1:2:3:4:5:6:7:8:9",
      "fe80::1%eth0",
      "12345::",
      "",
      "/8",
    ]) {
      expect(parseIpRange(bad), bad).toBeNull();
    }
  });
});
