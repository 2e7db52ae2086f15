// Peers a node refuses for the rest of its life: by node id (what a peer proved in TLS) and
// by the listen address it was reached at. Not by IP alone: peers behind one address (or on
// one machine, as in tests) must not pay for one liar. Bounded, oldest forgotten first.

const MAX_BANS = 10_000;

export class BanList {
  private readonly nodes = new Set<string>();
  private readonly addresses = new Set<string>();

  get size(): number {
    return this.nodes.size;
  }

  ban(nodeIdHex: string, address?: string): void {
    add(this.nodes, nodeIdHex);
    if (address) add(this.addresses, address);
  }

  isBanned(nodeIdHex?: string, address?: string): boolean {
    return (nodeIdHex !== undefined && this.nodes.has(nodeIdHex)) || (address !== undefined && this.addresses.has(address));
  }
}

function add(set: Set<string>, value: string): void {
  set.delete(value);
  set.add(value);
  if (set.size > MAX_BANS) set.delete(set.values().next().value as string);
}
