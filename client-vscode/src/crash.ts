// How often an unexpectedly exited server is started again. vscode-languageclient's own handler
// restarts 4 times in 3 minutes and shows a notification for several of the failures; ours restarts
// MAX_RESTARTS times within WINDOW_MS, silently (the output channel says it), and then stops with
// one message.

export const MAX_RESTARTS = 3;
export const WINDOW_MS = 3 * 60 * 1000;

export interface CrashDecision {
  /** Start the server again? */
  restart: boolean;
  /** Exits within the window, this one included. */
  count: number;
  /** Wait this long before starting again. */
  delayMs: number;
}

export class CrashTracker {
  private times: number[] = [];

  constructor(
    readonly maxRestarts = MAX_RESTARTS,
    readonly windowMs = WINDOW_MS,
  ) {}

  record(now: number): CrashDecision {
    this.times = this.times.filter((t) => now - t <= this.windowMs);
    this.times.push(now);
    const count = this.times.length;
    return { restart: count <= this.maxRestarts, count, delayMs: Math.min(250 * 2 ** (count - 1), 4000) };
  }

  reset(): void {
    this.times = [];
  }
}
