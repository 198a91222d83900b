package dev.saguaro.trainer.client;

import dev.saguaro.trainer.config.TrainerConfig;
import io.quarkus.logging.Log;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Runs a call to the ingest service with retries and exponential back-off. IO errors and retryable
 * statuses (see {@link RetryableStatusException}) are retried; {@link IngestRejectedException} and
 * other runtime exceptions are not. Thread-safe.
 */
final class RetryingCaller {

  /** One call; it may throw {@link IOException} or {@link RetryableStatusException} to retry. */
  @FunctionalInterface
  interface Call<T> {
    T run() throws IOException, InterruptedException;
  }

  private final TrainerConfig.IngestCalls settings;

  RetryingCaller(TrainerConfig.IngestCalls settings) {
    this.settings = settings;
  }

  /**
   * Runs {@code call} until it succeeds or {@code maxAttempts} attempts have failed.
   *
   * @param runId run the call is made for, named in the WARN log lines of retries
   * @param operation what the call does, for log lines and the final error message
   * @throws IngestUnavailableException when every attempt failed with a retryable error
   */
  <T> T call(String runId, String operation, Call<T> call) {
    int maxAttempts = Math.max(1, settings.maxAttempts());
    Duration backoff = settings.retryBackoff();
    Exception lastError = null;

    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      try {
        return call.run();
      } catch (IOException | UncheckedIOException | RetryableStatusException e) {
        lastError = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IngestUnavailableException(operation + " was interrupted", e);
      }

      if (attempt < maxAttempts) {
        Log.warnf(
            "Run %s: %s failed (attempt %d of %d): %s; retrying in %d ms",
            runId, operation, attempt, maxAttempts, describe(lastError), backoff.toMillis());
        sleep(backoff, operation);
        backoff = min(backoff.multipliedBy(2), settings.maxRetryBackoff());
      }
    }
    throw new IngestUnavailableException(
        operation + " failed after " + maxAttempts + " attempts: " + describe(lastError),
        lastError);
  }

  private static void sleep(Duration backoff, String operation) {
    try {
      Thread.sleep(backoff.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IngestUnavailableException(operation + " was interrupted", e);
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Returns the first message in the cause chain; the JDK client's ConnectException has none. */
  private static String describe(Exception e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && !message.isBlank()) {
        return message;
      }
    }
    return e instanceof java.net.ConnectException
        ? "connection refused"
        : e.getClass().getSimpleName();
  }

  /** A status that may succeed later: 408, 429 and every 5xx. */
  static final class RetryableStatusException extends RuntimeException {

    RetryableStatusException(String message) {
      super(message);
    }

    static boolean isRetryable(int status) {
      return status == 408 || status == 429 || status >= 500;
    }
  }
}
