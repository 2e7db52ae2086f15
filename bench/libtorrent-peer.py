#!/usr/bin/env python3
"""A libtorrent peer for bench/transfer.ts: the anchor that users pick today.
TCP only (uTP, DHT, LSD, UPnP and NAT-PMP off), on 127.0.0.1, one process per peer.

  libtorrent-peer.py make <path> <piece-bytes> <out.torrent>
  libtorrent-peer.py seed <file.torrent> <save-dir> <port>
  libtorrent-peer.py get  <file.torrent> <save-dir> <port> <peer-port> [--seed-after]

Prints JSON lines: {"event": "listening"}, {"event": "complete", "seconds": ...},
and on exit {"event": "stats", "uploaded": ..., "downloaded": ...}.
Run it with Debian's /usr/bin/python3 (package python3-libtorrent).
"""
import json, os, signal, sys, time
import libtorrent as lt


def settings(port):
    return {
        'listen_interfaces': '127.0.0.1:%d' % port,
        'enable_outgoing_utp': False, 'enable_incoming_utp': False,
        'enable_dht': False, 'enable_lsd': False, 'enable_upnp': False, 'enable_natpmp': False,
        'allow_multiple_connections_per_ip': True,
        'alert_mask': lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    }


def say(**kw):
    print(json.dumps(kw), flush=True)


def make(path, piece, out):
    fs = lt.file_storage()
    lt.add_files(fs, path)
    t = lt.create_torrent(fs, int(piece), flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(t, os.path.dirname(os.path.abspath(path)))
    with open(out, 'wb') as f:
        f.write(lt.bencode(t.generate()))


def run(torrent, save, port, peer_port=None, seed_after=False):
    ses = lt.session(settings(port))
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save
    h = ses.add_torrent(params)
    stop = {'now': False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__('now', True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__('now', True))
    say(event='listening', port=port)
    start = time.time()
    done = False
    while not stop['now']:
        if peer_port is not None and not done and int(time.time() - start) % 2 == 0:
            h.connect_peer(('127.0.0.1', peer_port))
        s = h.status()
        if not done and s.is_seeding and s.state == lt.torrent_status.seeding:
            done = True
            say(event='complete', seconds=time.time() - start)
            if peer_port is not None and not seed_after:
                break
        time.sleep(0.01 if not done else 0.1)
    s = h.status()
    say(event='stats', uploaded=s.total_payload_upload, downloaded=s.total_payload_download)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ''
    if cmd == 'make' and len(argv) == 5:
        make(argv[2], argv[3], argv[4])
    elif cmd == 'seed' and len(argv) == 5:
        run(argv[2], argv[3], int(argv[4]))
    elif cmd == 'get' and len(argv) >= 6:
        run(argv[2], argv[3], int(argv[4]), int(argv[5]), '--seed-after' in argv)
    else:
        sys.stderr.write(__doc__)
        sys.exit(2)


if __name__ == '__main__':
    main(sys.argv)
