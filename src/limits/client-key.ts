// The key an unauthenticated client is counted under. An IPv6 client usually holds a whole
// /64, so its addresses share one key; an IPv4-mapped IPv6 address counts as the IPv4 one.

/** The address itself for IPv4, its /64 prefix for IPv6, "local" when there is none (unix socket, in-process). */
export function addressKey(address: string | null): string {
  if (address === null || address === "") return "local";
  if (!address.includes(":")) return address;
  const mapped = address.toLowerCase().lastIndexOf("::ffff:");
  if (mapped !== -1 && address.includes(".")) return address.slice(mapped + 7);
  return ipv6Prefix64(address);
}

function ipv6Prefix64(address: string): string {
  const zone = address.indexOf("%");
  const bare = (zone === -1 ? address : address.slice(0, zone)).toLowerCase();
  const gap = bare.indexOf("::");
  let groups: string[];
  if (gap === -1) groups = bare.split(":");
  else {
    const head = bare.slice(0, gap) === "" ? [] : bare.slice(0, gap).split(":");
    const tail = bare.slice(gap + 2) === "" ? [] : bare.slice(gap + 2).split(":");
    groups = [...head, ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill("0"), ...tail];
  }
  return groups.slice(0, 4).map((g) => (parseInt(g, 16) || 0).toString(16)).join(":") + "::/64";
}
