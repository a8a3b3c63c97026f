// Photo work in flight per party on this instance. A party's photos beyond
// photos_in_flight_per_party (queued or decoding) are refused with a 429,
// and at most photo_decodes_per_party of them decode at once: one party
// cannot take every core from the others, whatever it sends. The global
// bound (one photo per core) is the pipeline's own gate.
import { Gate } from './pipeline/gate.js'
import { uploadsInFlight } from './errors.js'

interface PartyEntry {
  photos: number
  gate: Gate
}

export interface PartyTicket {
  /** Runs one photo's work in the party's turn. */
  run<T>(task: () => Promise<T>): Promise<T>
  /** Gives the reserved room back (idempotent). */
  leave(): void
}

export class PartyWork {
  private readonly parties = new Map<string, PartyEntry>()

  constructor(
    private readonly photosMax: number,
    private readonly decodesMax: number,
  ) {}

  /** Reserves room for `count` photos of `party`, or throws 429 uploads-in-flight. */
  enter(party: string, count: number): PartyTicket {
    const entry = this.parties.get(party) ?? { photos: 0, gate: new Gate(this.decodesMax) }
    // A single request over the cap is refused by the per-request photo caps before it gets here.
    if (entry.photos > 0 && entry.photos + count > this.photosMax)
      throw uploadsInFlight('photos_in_flight_per_party', this.photosMax)
    entry.photos += count
    this.parties.set(party, entry)
    let left = false
    return {
      run: (task) => entry.gate.run(task),
      leave: () => {
        if (left) return
        left = true
        entry.photos -= count
        if (entry.photos === 0) this.parties.delete(party)
      },
    }
  }

  /** Photos in flight of `party` (for tests and metrics). */
  inFlight(party: string): number {
    return this.parties.get(party)?.photos ?? 0
  }
}
