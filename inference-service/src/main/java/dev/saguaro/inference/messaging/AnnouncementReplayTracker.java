package dev.saguaro.inference.messaging;

import dev.saguaro.inference.serving.ModelLifecycle;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Notices when the start-up replay of the announcement topic reaches the end offsets it had when
 * the partitions were first assigned, and then calls {@link ModelLifecycle#markCaughtUp()}.
 *
 * <p>It also keeps the replica from replaying the topic again after a rebalance (for example when
 * the broker restarts): without committed offsets the consumer would start over from the beginning,
 * so on a later assignment it seeks to the record after the last one processed.
 *
 * <p>Thread-safe: the Kafka polling thread calls the listener methods, the messaging thread calls
 * {@link #recordProcessed}.
 */
@ApplicationScoped
@Identifier(AnnouncementReplayTracker.NAME)
public class AnnouncementReplayTracker implements KafkaConsumerRebalanceListener {

  /** Name used in {@code consumer-rebalance-listener.name}. */
  public static final String NAME = "model-announcements-replay";

  private final ModelLifecycle lifecycle;
  private final Map<TopicPartition, Long> replayEnds = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Long> nextOffsets = new ConcurrentHashMap<>();
  private volatile boolean assignedOnce;

  public AnnouncementReplayTracker(ModelLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    if (!assignedOnce) {
      assignedOnce = true;
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      for (TopicPartition partition : partitions) {
        long end = ends.getOrDefault(partition, 0L);
        if (end > beginnings.getOrDefault(partition, 0L)) {
          replayEnds.put(partition, end);
        }
      }
      Log.infof("Replaying announcements %s up to end offsets %s", partitions, replayEnds);
      checkCaughtUp();
      return;
    }
    for (TopicPartition partition : partitions) {
      Long next = nextOffsets.get(partition);
      if (next != null) {
        consumer.seek(partition, next);
      }
    }
  }

  /** Records that the record at {@code offset} was applied. */
  void recordProcessed(String topic, int partition, long offset) {
    TopicPartition topicPartition = new TopicPartition(topic, partition);
    nextOffsets.put(topicPartition, offset + 1);
    Long end = replayEnds.get(topicPartition);
    if (end != null && offset + 1 >= end) {
      replayEnds.remove(topicPartition);
      checkCaughtUp();
    }
  }

  private void checkCaughtUp() {
    // NOTE: if compaction removed the very last record of a partition (a deleted tombstone), the
    // replay never reaches the end offset, and the catch-up timeout starts the loads instead.
    if (replayEnds.isEmpty()) {
      lifecycle.markCaughtUp();
    }
  }
}
