package dev.saguaro.trainer.config;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The id this trainer instance uses in claims and events: {@code saguaro.trainer.trainer-id}, else
 * {@code <host name>-<process id>}, which differs between instances on one host and across hosts.
 */
@ApplicationScoped
public class TrainerIdentity {

  private final String trainerId;

  public TrainerIdentity(TrainerConfig config) {
    this.trainerId =
        config.trainerId().filter(id -> !id.isBlank()).orElseGet(TrainerIdentity::hostAndPid);
  }

  public String trainerId() {
    return trainerId;
  }

  private static String hostAndPid() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      host = "unknown-host";
    }
    return host + "-" + ProcessHandle.current().pid();
  }
}
