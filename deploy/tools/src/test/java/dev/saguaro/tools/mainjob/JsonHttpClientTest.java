package dev.saguaro.tools.mainjob;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class JsonHttpClientTest {

  @Test
  void loopbackHostsAreAccepted() {
    for (String url :
        new String[] {"http://127.0.0.1:8081", "http://localhost:1", "http://[::1]:2"}) {
      assertThatCode(() -> new JsonHttpClient(URI.create(url), Duration.ofSeconds(1)))
          .doesNotThrowAnyException();
    }
  }

  @Test
  void otherHostsAreRejected() {
    assertThatThrownBy(
            () -> new JsonHttpClient(URI.create("http://192.0.2.10:8081"), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not on this machine");
  }
}
