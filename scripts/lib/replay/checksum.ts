// Count and SHA-256 checksum over (stream sequence, event id) pairs in
// sequence order: equal on both sides means every event is accounted for
// exactly once.
import { createHash, type Hash } from 'node:crypto';

export class SequenceChecksum {
  private readonly hash: Hash = createHash('sha256');
  count = 0;
  private previous = 0;

  /** Adds one pair; sequences must come in increasing order. */
  add(sequence: number, eventId: string): void {
    if (sequence <= this.previous) {
      throw new Error(
        `sequence ${sequence} is not after ${this.previous}; pairs must be added in order`,
      );
    }
    this.previous = sequence;
    this.hash.update(`${sequence}:${eventId}\n`);
    this.count += 1;
  }

  digest(): string {
    return this.hash.copy().digest('hex');
  }
}
