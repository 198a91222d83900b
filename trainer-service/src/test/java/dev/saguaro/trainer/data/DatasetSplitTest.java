package dev.saguaro.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSplitTest {

  private static List<LabeledImage> images(int count) {
    List<LabeledImage> images = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      images.add(new LabeledImage("image-" + i, new byte[] {(byte) i}, i % 2));
    }
    return images;
  }

  @Test
  void tenPercentGoToValidation() {
    DatasetSplit split = DatasetSplit.create(images(200), 0.1, 42);

    assertThat(split.validation()).hasSize(20);
    assertThat(split.training()).hasSize(180);
  }

  @Test
  void splitCoversEveryImageOnce() {
    DatasetSplit split = DatasetSplit.create(images(57), 0.1, 42);
    Set<String> ids = new HashSet<>();
    split.training().forEach(image -> ids.add(image.imageId()));
    split.validation().forEach(image -> ids.add(image.imageId()));

    assertThat(ids).hasSize(57);
    assertThat(split.training().size() + split.validation().size()).isEqualTo(57);
  }

  @Test
  void sameSeedGivesSameSplit() {
    DatasetSplit first = DatasetSplit.create(images(100), 0.1, 42);
    DatasetSplit second = DatasetSplit.create(images(100), 0.1, 42);
    DatasetSplit other = DatasetSplit.create(images(100), 0.1, 43);

    assertThat(ids(second.validation())).isEqualTo(ids(first.validation()));
    assertThat(ids(other.validation())).isNotEqualTo(ids(first.validation()));
  }

  private static List<String> ids(List<LabeledImage> images) {
    return images.stream().map(LabeledImage::imageId).toList();
  }
}
