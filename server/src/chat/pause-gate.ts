/**
 * A designer's request that a run pause at its next task boundary, as the run's executor reads it.
 * RunManager sets it (a pauseRun here, or the flag seen at a lease renewal); the scheduler checks it
 * before it starts tasks.
 */
export class PauseGate {
  constructor(private flag = false) {}

  request(): void {
    this.flag = true;
  }

  get requested(): boolean {
    return this.flag;
  }
}
