package dev.saguaro.inference.serving;

import io.quarkus.logging.Log;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Lowers the CPU scheduling priority of the calling thread. Linux keeps a nice value per thread, so
 * a thread that loads model versions can yield the cores to the threads that serve requests while
 * both compete. Uses the {@code renice} command, because the JDK has no call for it.
 */
final class ThreadNiceness {

  private static final Path THREAD_SELF = Path.of("/proc/thread-self");

  private ThreadNiceness() {}

  /**
   * Sets the nice value of the calling thread to {@code niceness}, from 1 (slightly lower than
   * normal) to 19 (lowest). Logs and carries on at normal priority when the platform or the {@code
   * renice} command does not allow it.
   */
  static void lowerCurrentThread(int niceness, String purpose) {
    if (niceness <= 0) {
      return;
    }
    String threadId;
    try {
      // "/proc/thread-self" links to "<pid>/task/<tid>" on Linux 3.17 and later.
      threadId = Files.readSymbolicLink(THREAD_SELF).getFileName().toString();
    } catch (IOException | UnsupportedOperationException e) {
      Log.warnf(
          "Cannot find the id of thread %s (%s), so %s runs at normal priority",
          Thread.currentThread().getName(), e.getMessage(), purpose);
      return;
    }

    try {
      Process renice =
          new ProcessBuilder("renice", "-n", Integer.toString(niceness), "-p", threadId)
              .redirectErrorStream(true)
              .start();
      String output = new String(renice.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!renice.waitFor(10, TimeUnit.SECONDS) || renice.exitValue() != 0) {
        Log.warnf(
            "renice of thread %s (id %s) failed (%s), so %s runs at normal priority",
            Thread.currentThread().getName(), threadId, output.trim(), purpose);
        return;
      }
    } catch (IOException e) {
      Log.warnf(
          "Cannot run renice (%s), so %s runs at normal priority; install util-linux or set"
              + " saguaro.inference.loading.niceness=0",
          e.getMessage(), purpose);
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Log.infof(
        "Thread %s (id %s) runs at nice %d, so that %s yields the cores to serving",
        Thread.currentThread().getName(), threadId, niceness, purpose);
  }
}
