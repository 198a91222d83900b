package dev.saguaro.tools.mainjob;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The main job's progress output for the person at the terminal: one line per step, prefixed with
 * the minutes and seconds since the job started. Thread-safe: each line is one {@code println}.
 */
public final class JobConsole {

  private final PrintStream out;
  private final long startNanos = System.nanoTime();

  public JobConsole(PrintStream out) {
    this.out = out;
  }

  /** Prints one line formatted with {@link String#format}, in the root locale. */
  public void line(String format, Object... arguments) {
    long seconds = (System.nanoTime() - startNanos) / 1_000_000_000L;
    String prefix = String.format(Locale.ROOT, "[%02d:%02d] ", seconds / 60, seconds % 60);
    out.println(prefix + String.format(Locale.ROOT, format, arguments));
  }

  /** Prints a section heading. */
  public void heading(String title) {
    out.println();
    line("== %s", title);
  }

  /** Returns the seconds since the job started. */
  public double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
