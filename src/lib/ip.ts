// IP addresses and CIDR ranges for allow-lists. Addresses are compared as numbers, so every spelling of one
// address matches: `::1` and `0:0:0:0:0:0:0:1`, upper- and lower-case hex, and an IPv4-mapped IPv6 address
// (`::ffff:20.103.56.175`, RFC 4291 §2.5.5.2), which a dual-stack listener reports for an IPv4 client, is
// the IPv4 address it maps. CIDR ranges follow RFC 4632 (IPv4) and RFC 4291 §2.3 (IPv6).

export interface IpAddress {
  family: 4 | 6;
  value: bigint;
}

export interface IpRange extends IpAddress {
  prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;
const MAPPED_PREFIX = 0xffffn << 32n;

function parseV4(s: string): bigint | null {
  const parts = s.split(".");
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const p of parts) {
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    value = (value << 8n) | BigInt(p);
  }
  return value;
}

function parseV6(s: string): bigint | null {
  let text = s;
  let tail: bigint[] = [];
  // A trailing dotted quad stands for the last 32 bits.
  if (text.includes(".")) {
    const lastColon = text.lastIndexOf(":");
    const v4 = parseV4(text.slice(lastColon + 1));
    if (lastColon < 0 || v4 === null) return null;
    tail = [v4 >> 16n, v4 & 0xffffn];
    const before = text.slice(0, lastColon + 1);
    text = before.endsWith("::") ? before : before.slice(0, -1);
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string | undefined) => (h ? h.split(":") : []);
  const head = groups(halves[0]);
  const rest = groups(halves[1]);
  if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const given = head.length + rest.length + tail.length;
  const missing = 8 - given;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const words = [
    ...head.map((g) => BigInt(`0x${g}`)),
    ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n),
    ...rest.map((g) => BigInt(`0x${g}`)),
    ...tail,
  ];
  return words.reduce((acc, w) => (acc << 16n) | w, 0n);
}

/** An address in either family, IPv4-mapped IPv6 as IPv4; null when `s` is not one. */
export function parseIp(s: string): IpAddress | null {
  const v4 = parseV4(s);
  if (v4 !== null) return { family: 4, value: v4 };
  // A zone index (fe80::1%eth0) names an interface of the machine, never a remote sender.
  const v6 = s.includes("%") ? null : parseV6(s);
  if (v6 === null) return null;
  if (v6 >> 32n === MAPPED_PREFIX >> 32n) return { family: 4, value: v6 & 0xffffffffn };
  return { family: 6, value: v6 };
}

/** An address (a range of one) or `address/prefix`; null when `s` is neither. */
export function parseIpRange(s: string): IpRange | null {
  const slash = s.indexOf("/");
  const ip = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!ip) return null;
  if (slash < 0) return { ...ip, prefix: BITS[ip.family] };
  const prefixText = s.slice(slash + 1);
  if (!/^(0|[1-9]\d{0,2})$/.test(prefixText)) return null;
  let prefix = Number(prefixText);
  // A mapped IPv6 range (::ffff:10.0.0.0/104) is the IPv4 range it maps.
  const mapped = ip.family === 4 && parseV4(s.slice(0, slash)) === null;
  if (mapped) prefix -= 96;
  if (prefix < 0 || prefix > BITS[ip.family]) return null;
  return { ...ip, prefix };
}

export function inRange(ip: IpAddress, range: IpRange): boolean {
  if (ip.family !== range.family) return false;
  const shift = BigInt(BITS[range.family] - range.prefix);
  return ip.value >> shift === range.value >> shift;
}
