/**
 * Console output of the CLI: stage lines always, progress bars (ETA, images/s, loss) only on an
 * interactive terminal outside CI.
 */
import cliProgress from 'cli-progress';

/** A progress bar of one long step. */
export interface Bar {
  update(done: number, info?: { imagesPerSecond?: number; loss?: number }): void;
  stop(): void;
}

/** Where the CLI writes. */
export interface Reporter {
  log(message: string): void;
  bar(label: string, total: number): Bar;
}

/** Whether progress bars are shown: stderr is a TTY and neither `CI` nor `--quiet` is set. */
export function interactive(quiet = false): boolean {
  return !quiet && Boolean(process.stderr.isTTY) && !process.env.CI;
}

const silentBar: Bar = { update() {}, stop() {} };

/**
 * The console reporter. Bars go to stderr (format: label, bar, %, done/total, ETA, images/s,
 * loss) and are replaced by nothing when not {@link interactive}.
 */
export function consoleReporter(
  options: { quiet?: boolean; log?: (m: string) => void } = {},
): Reporter {
  const show = interactive(options.quiet);
  const log = options.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  return {
    log,
    bar(label, total) {
      if (!show) return silentBar;
      const bar = new cliProgress.SingleBar(
        {
          format: `  ${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} | {ips} img/s | loss {loss}`,
          barsize: 24,
          hideCursor: true,
          clearOnComplete: false,
          etaBuffer: 20,
          stream: process.stderr,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { ips: '–', loss: '–' });
      return {
        update(done, info = {}) {
          bar.update(done, {
            ips: info.imagesPerSecond === undefined ? '–' : info.imagesPerSecond.toFixed(1),
            loss: info.loss === undefined ? '–' : info.loss.toFixed(4),
          });
        },
        stop() {
          bar.stop();
        },
      };
    },
  };
}
