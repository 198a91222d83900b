package dev.saguaro.tools.mainjob;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How to start one service as a separate JVM.
 *
 * @param name short name used for the log and pid files, such as {@code ingest}
 * @param jar the service's {@code target/quarkus-app/quarkus-run.jar}
 * @param port HTTP port on 127.0.0.1
 * @param readinessPath path that returns 200 once the service can take work, such as {@code
 *     /q/health/ready}
 * @param jvmOptions options placed before {@code -jar}, such as {@code -Xmx1g}
 * @param environment variables added to this process's environment
 */
public record ServiceSpec(
    String name,
    Path jar,
    int port,
    String readinessPath,
    List<String> jvmOptions,
    Map<String, String> environment) {}
