import type { Clock } from '../../src/clock';

/** A clock that moves only when told to. */
export class FakeClock implements Clock {
  private current: Date;

  constructor(start = '2026-11-27T09:00:00Z') {
    this.current = new Date(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(milliseconds: number): void {
    this.current = new Date(this.current.getTime() + milliseconds);
  }
}
