declare module 'create-torrent' {
  const createTorrent: (input: string, opts: Record<string, unknown>, cb: (err: Error | null, torrent: Uint8Array) => void) => void;
  export default createTorrent;
}
