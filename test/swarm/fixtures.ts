// Readable picker fixtures, in the manner of libtorrent's test_piece_picker: one character per
// piece. `avail: "1221103"` is how many peers have each piece (the picking peer P included),
// `have: "1  1   "` marks the pieces we hold ('1' or '*'), `prio: "4407444"` the priorities,
// `inflight: " A  B  "` requests already sent (letter = peer). Background peers bg0, bg1, ... make
// up the availability that the named peers do not account for.
import { PiecePicker, type PickerOptions } from '../../src/swarm/picker.js';
import { Bitfield } from '../../src/swarm/picker-bitfield.js';
import { seededRandom } from '../../src/swarm/picker-random.js';

export interface PickerFixture {
  avail: string;
  have?: string;
  prio?: string;
  /** Named peers and what they have ('1' = has). Default: P has every piece with availability > 0. */
  peers?: Record<string, string>;
  inflight?: string;
  seed?: number;
  /** Default 0 here, so fixtures show rarest first unless a test asks for random first pieces. */
  randomFirstPieces?: number;
  options?: PickerOptions;
}

export function bits(s: string): Bitfield {
  const bf = new Bitfield(s.length);
  for (let i = 0; i < s.length; i++) if (s[i] === '1' || s[i] === '*') bf.set(i);
  return bf;
}

export function setupPicker(f: PickerFixture): PiecePicker {
  const n = f.avail.length;
  const avail = [...f.avail].map((c) => Number(c));
  const peers = f.peers ?? { P: avail.map((a) => (a > 0 ? '1' : ' ')).join('') };
  const p = new PiecePicker(n, {
    random: seededRandom(f.seed ?? 1),
    randomFirstPieces: f.randomFirstPieces ?? 0,
    have: f.have === undefined ? undefined : bits(f.have.padEnd(n)),
    ...f.options,
  });
  const background = avail.slice();
  for (const [name, s] of Object.entries(peers)) {
    if (s.length !== n) throw new Error(`fixture: peer ${name} has ${s.length} pieces, not ${n}`);
    p.addPeer(name, bits(s));
    for (let i = 0; i < n; i++) if (s[i] === '1') background[i]--;
  }
  if (background.some((b) => b < 0)) throw new Error('fixture: named peers have more than the availability');
  for (let j = 0; j < Math.max(0, ...background); j++) {
    p.addPeer(`bg${j}`, bits(background.map((b) => (b > j ? '1' : ' ')).join('')));
  }
  if (f.prio) for (let i = 0; i < n; i++) p.setPriority(i, i + 1, Number(f.prio[i]));
  if (f.inflight) {
    for (let i = 0; i < n; i++) {
      const who = f.inflight[i];
      if (who && who !== ' ' && !p.markRequested(who, i, 0)) throw new Error(`fixture: ${who} cannot be asked for ${i}`);
    }
  }
  return p;
}
