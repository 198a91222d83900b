package dev.saguaro.inference.support;

import dev.saguaro.inference.config.InferenceConfig;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;

/** Builds an {@link InferenceConfig} outside Quarkus, with the defaults plus overrides. */
public final class TestConfigs {

  private TestConfigs() {}

  public static InferenceConfig inferenceConfig(Map<String, String> overrides) {
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(InferenceConfig.class)
            // Quarkus reads "30s" as a Duration; plain SmallRye Config needs its converter.
            .withConverter(
                java.time.Duration.class,
                200,
                new io.quarkus.runtime.configuration.DurationConverter())
            .withDefaultValues(Map.of("java.io.tmpdir", System.getProperty("java.io.tmpdir")))
            .withSources(new io.smallrye.config.PropertiesConfigSource(overrides, "test", 500))
            .build();
    return config.getConfigMapping(InferenceConfig.class);
  }
}
