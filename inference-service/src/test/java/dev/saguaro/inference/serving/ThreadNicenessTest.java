package dev.saguaro.inference.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** The per-thread nice value that the loading thread sets on Linux. */
@EnabledOnOs(OS.LINUX)
class ThreadNicenessTest {

  @Test
  void lowersOnlyTheCallingThread() throws Exception {
    AtomicReference<Integer> before = new AtomicReference<>();
    AtomicReference<Integer> after = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread loader =
        new Thread(
            () -> {
              try {
                before.set(currentThreadNice());
                ThreadNiceness.lowerCurrentThread(7, "the test");
                after.set(currentThreadNice());
              } catch (Throwable e) {
                failure.set(e);
              }
            });

    loader.start();
    loader.join();

    assertThat(failure.get()).isNull();
    assertThat(before.get()).isEqualTo(currentThreadNice());
    assertThat(after.get()).isEqualTo(7);
    assertThat(currentThreadNice()).as("nice of the test's own thread").isEqualTo(before.get());
  }

  @Test
  void zeroLeavesThePriorityAlone() throws Exception {
    int before = currentThreadNice();

    ThreadNiceness.lowerCurrentThread(0, "the test");

    assertThat(currentThreadNice()).isEqualTo(before);
  }

  /** Reads field 19 (nice) of /proc/thread-self/stat; field 2 may contain spaces, so skip it. */
  private static int currentThreadNice() throws Exception {
    String stat = Files.readString(Path.of("/proc/thread-self/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    // fields[0] is field 3 (state), so field 19 is fields[16].
    return Integer.parseInt(fields[16]);
  }
}
