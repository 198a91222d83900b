package dev.saguaro.trainer.service;

/** Stage of a training attempt on this trainer, as the status endpoint shows it. */
public enum RunStage {
  /** A slot is taken; the trainer is claiming the attempt at the ingest service. */
  CLAIMING,
  /** The snapshot archive is being downloaded and read. */
  DOWNLOADING_SNAPSHOT,
  /** The starting weights (ImageNet file or served model) are being located or downloaded. */
  PREPARING_WEIGHTS,
  /** TensorFlow is training. The phase and epoch show the progress. */
  TRAINING,
  /** The trained model is being exported and zipped. */
  EXPORTING,
  /** The artifact is being uploaded to the ingest service. */
  UPLOADING,
  /** The stored version is being announced on the model-version topic. */
  ANNOUNCING
}
