import type { Clock, JournalEvent, RunEventListener, RunState } from '@firedrill/core';
import { renderTreeFrame } from './tree-frame.js';

/** The terminal the tree is drawn on: `process.stdout` when it is a TTY. */
export interface TreeTerminal {
  write(text: string): unknown;
  columns?: number;
  rows?: number;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/** What the tree watches: a run (new or resumed). */
export interface WatchedRun {
  readonly events: { subscribe(listener: RunEventListener, options?: { replay?: boolean }): () => void };
  state(): RunState;
}

export interface LiveTreeOptions {
  terminal: TreeTerminal;
  color: boolean;
  /** The run's clock: elapsed times are on it (simulated time on the sandbox). Default: the last event's time. */
  clock?: Pick<Clock, 'now'>;
  /** Redraw period; the tree is redrawn at most this often (default 100 ms: 10 frames a second). */
  intervalMs?: number;
}

const HIDE_CURSOR = '\u001b[?25l';
const SHOW_CURSOR = '\u001b[?25h';
const CLEAR_LINE = '\u001b[2K';
const CLEAR_BELOW = '\u001b[J';
/** Cursor home, then erase the screen (the scrollback stays). */
const CLEAR_SCREEN = '\u001b[H\u001b[2J';
const up = (n: number): string => (n > 0 ? `\r\u001b[${n}A` : '\r');

/**
 * Draws a run's step tree in place on a terminal until the run ends, then prints the final tree once. The
 * cursor is hidden while drawing and shown again when the run ends, on Ctrl-C and when the process exits
 * for any other reason. The redraw timer is `unref()`ed, so it never keeps the process alive.
 */
export class LiveTree {
  readonly #run: WatchedRun;
  readonly #options: LiveTreeOptions;
  readonly #retries: Record<string, string> = {};
  #drawn = 0;
  #lastFrame = '';
  #spinner = 0;
  #timer: ReturnType<typeof setInterval> | undefined;
  #unsubscribe: (() => void) | undefined;
  #running = false;
  readonly #onExit = (): void => this.#restoreCursor();
  readonly #onSigint = (): void => this.stop();
  readonly #onResize = (): void => this.#resized();
  /** The width the last frame was drawn at. */
  #drawnWidth = 0;
  #cursorHidden = false;

  constructor(run: WatchedRun, options: LiveTreeOptions) {
    this.#run = run;
    this.#options = options;
  }

  /** Hides the cursor, draws the first frame and redraws until the run completes (or {@link stop}). */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    process.on('exit', this.#onExit);
    process.once('SIGINT', this.#onSigint);
    this.#options.terminal.on?.('resize', this.#onResize);
    this.#options.terminal.write(HIDE_CURSOR);
    this.#cursorHidden = true;
    this.#unsubscribe = this.#run.events.subscribe((event) => this.#onEvent(event), { replay: true });
    if (!this.#running) return; // the run had already completed
    this.#draw(true);
    this.#timer = setInterval(() => {
      this.#spinner++;
      this.#draw(false);
    }, this.#options.intervalMs ?? 100);
    this.#timer.unref();
  }

  /** Stops redrawing: replaces the live frame with the final tree, printed once, and shows the cursor. */
  stop(): void {
    if (!this.#running) return;
    this.#running = false;
    if (this.#timer) clearInterval(this.#timer);
    this.#unsubscribe?.();
    process.off('exit', this.#onExit);
    process.off('SIGINT', this.#onSigint);
    this.#options.terminal.off?.('resize', this.#onResize);
    const lines = renderTreeFrame({ ...this.#frameInput(), height: Infinity, final: true });
    this.#options.terminal.write(`${up(this.#drawn)}${CLEAR_BELOW}${lines.join('\n')}\n${SHOW_CURSOR}`);
    this.#cursorHidden = false;
    this.#drawn = 0;
  }

  #onEvent(event: JournalEvent): void {
    if (event.type === 'step.attempt-failed') this.#retries[event.stepId] = event.error.message;
    else if (event.type === 'step.succeeded' || event.type === 'step.failed' || event.type === 'step.skipped') delete this.#retries[event.stepId];
    if (event.type === 'run.completed') this.stop();
  }

  #frameInput() {
    const state = this.#run.state();
    const terminal = this.#options.terminal;
    return {
      state,
      now: this.#options.clock?.now() ?? state.lastEventAt,
      width: terminal.columns ?? 80,
      height: terminal.rows ?? 24,
      color: this.#options.color,
      spinner: this.#spinner,
      retries: this.#retries,
    };
  }

  /**
   * A narrower terminal re-wraps the lines already drawn (most terminals reflow them), so the frame now spans more
   * rows than were counted and moving up by that count would leave torn copies above the new frame. Clear the
   * screen and redraw from the top instead; a wider terminal only needs the usual redraw.
   */
  #resized(): void {
    if (!this.#running) return;
    if ((this.#options.terminal.columns ?? 80) < this.#drawnWidth) {
      this.#options.terminal.write(CLEAR_SCREEN);
      this.#drawn = 0;
    }
    this.#draw(true);
  }

  #draw(force: boolean): void {
    if (!this.#running) return;
    const lines = renderTreeFrame(this.#frameInput());
    const frame = lines.map((line) => `${CLEAR_LINE}${line}\n`).join('');
    if (!force && frame === this.#lastFrame) return;
    this.#options.terminal.write(`${up(this.#drawn)}${frame}${CLEAR_BELOW}`);
    this.#lastFrame = frame;
    this.#drawn = lines.length;
    this.#drawnWidth = this.#options.terminal.columns ?? 80;
  }

  #restoreCursor(): void {
    if (this.#cursorHidden) this.#options.terminal.write(SHOW_CURSOR);
    this.#cursorHidden = false;
  }
}
