package dev.saguaro.tools.mainjob;

import dev.saguaro.contracts.TrainingHyperparameters;
import dev.saguaro.tools.fashion.LabelTask;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything the main job needs to know.
 *
 * @param repositoryRoot checkout whose {@code <service>/target/quarkus-app/quarkus-run.jar} files
 *     are started
 * @param stateDirectory where service logs ({@code logs/}), pid files ({@code run/}), service data
 *     ({@code services/}) and the converted batches ({@code main-job/}) go; the local stack's
 *     directory by default
 * @param fashionMnistDirectory folder of the Fashion-MNIST IDX files
 * @param task the label column of the uploaded images
 * @param datasetName dataset in the ingest service, which is also the model name
 * @param firstBatchImages training images of the first upload
 * @param secondBatchImages training images of the second upload, which follow the first in the
 *     stratified order
 * @param testImages held-out images (t10k split) sent to the inference service after each run
 * @param hyperparameters settings of the automatic runs, passed to the ingest service's
 *     automatic-retraining configuration
 * @param infrastructure the Kafka broker and PostgreSQL database the services use
 * @param ports HTTP ports of the three services on 127.0.0.1
 * @param apiKey the ingest service's write key
 * @param trainerHeap maximum heap of the trainer JVM, such as {@code 3g}
 * @param runTimeout longest wait for one training run to end
 * @param detachServices whether the services keep running after the job ends
 */
public record MainJobSettings(
    Path repositoryRoot,
    Path stateDirectory,
    Path fashionMnistDirectory,
    LabelTask task,
    String datasetName,
    int firstBatchImages,
    int secondBatchImages,
    int testImages,
    TrainingHyperparameters hyperparameters,
    Infrastructure infrastructure,
    ServicePorts ports,
    String apiKey,
    String trainerHeap,
    Duration runTimeout,
    boolean detachServices) {

  /**
   * The servers the services connect to.
   *
   * @param kafkaBootstrapServers such as {@code 127.0.0.1:9092}
   * @param jdbcUrl the ingest service's database
   */
  public record Infrastructure(
      String kafkaBootstrapServers, String jdbcUrl, String jdbcUsername, String jdbcPassword) {

    /**
     * Returns the local stack of {@code deploy/stack.sh} with its default ports and credentials.
     */
    public static Infrastructure localStack() {
      return new Infrastructure(
          "127.0.0.1:9092", "jdbc:postgresql://127.0.0.1:15432/saguaro", "saguaro", "saguaro");
    }
  }

  /** HTTP ports of the services. */
  public record ServicePorts(int ingest, int trainer, int inference) {

    /** Returns the services' own defaults: 8081, 8082 and 8083. */
    public static ServicePorts defaults() {
      return new ServicePorts(8081, 8082, 8083);
    }
  }

  /** Returns the jar of {@code module}, such as {@code ingest-service}. */
  public Path serviceJar(String module) {
    return repositoryRoot.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
  }
}
