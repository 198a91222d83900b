"""Writes mobilenet_v2_h5py_0.35_no_top.h5.gz, a Keras-layout weights file made by h5py.

The file exercises what jhdf cannot write: layers without weights listed in layer_names, each with
an empty group whose weight_names attribute is an empty float64 array, as Keras's save_weights
leaves them. Layers with weights get the 2018 names of the published files; layers without weights
get current Keras names, which the reader does not check, plus a stem padding layer Conv1_pad as
in older Keras builds. Every dataset is filled with one value, the 1-based number of the weight in
file order, so that a test can tell each weight's place from its values and the gzip-compressed
file stays small.

Run with Debian's python3-h5py and python3-numpy: python3 write_h5py_weights.py
(written with h5py 3.7.0 and NumPy 1.24.2).
"""

import gzip
import os
import shutil

import h5py
import numpy as np

FILE_NAME = "mobilenet_v2_h5py_0.35_no_top.h5"

ALPHA = 0.35
# Output filters at alpha 1.0, stride and expansion of each inverted residual block.
BLOCKS = [(16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
          (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
          (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6)]
BATCH_NORMALIZATION = ["gamma", "beta", "moving_mean", "moving_variance"]


def make_divisible(value, divisor=8):
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * value:
        rounded += divisor
    return rounded


def list_layers(alpha):
    """Returns (layer name, [(weight name, shape)]) in Keras order."""
    layers = [("input_1", []), ("Conv1_pad", [])]

    stem = make_divisible(32 * alpha)
    layers.append(("Conv1", [("kernel", (3, 3, 3, stem))]))
    layers.append(("bn_Conv1", [(w, (stem,)) for w in BATCH_NORMALIZATION]))
    layers.append(("Conv1_relu", []))

    channels = stem
    for block, (filters, stride, expansion) in enumerate(BLOCKS):
        out = make_divisible(int(filters * alpha))
        expanded = channels * expansion
        if block == 0:
            names = {part: "expanded_conv_" + part for part in ("depthwise", "project")}
            bn = {part: "expanded_conv_" + part + "_BN" for part in ("depthwise", "project")}
            prefix = "expanded_conv_"
        else:
            names = {part: "mobl%d_conv_%d_%s" % (block, block, part)
                     for part in ("expand", "depthwise", "project")}
            bn = {part: "bn%d_conv_%d_bn_%s" % (block, block, part)
                  for part in ("expand", "depthwise", "project")}
            prefix = "block_%d_" % block
            layers.append((names["expand"], [("kernel", (1, 1, channels, expanded))]))
            layers.append((bn["expand"], [(w, (expanded,)) for w in BATCH_NORMALIZATION]))
            layers.append((prefix + "expand_relu", []))

        if stride == 2:
            layers.append((prefix + "pad", []))
        layers.append((names["depthwise"], [("depthwise_kernel", (3, 3, expanded, 1))]))
        layers.append((bn["depthwise"], [(w, (expanded,)) for w in BATCH_NORMALIZATION]))
        layers.append((prefix + "depthwise_relu", []))

        layers.append((names["project"], [("kernel", (1, 1, expanded, out))]))
        layers.append((bn["project"], [(w, (out,)) for w in BATCH_NORMALIZATION]))
        if stride == 1 and channels == out:
            layers.append((prefix + "add", []))
        channels = out

    last = make_divisible(1280 * alpha) if alpha > 1.0 else 1280
    layers.append(("Conv_1", [("kernel", (1, 1, channels, last))]))
    layers.append(("Conv_1_bn", [(w, (last,)) for w in BATCH_NORMALIZATION]))
    layers.append(("out_relu", []))
    return layers


def main():
    layers = list_layers(ALPHA)
    number = 0
    with h5py.File(FILE_NAME, "w") as f:
        f.attrs["layer_names"] = np.asarray([name.encode("utf8") for name, _ in layers])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.1.6"
        for name, weights in sorted(layers):
            group = f.create_group(name)
            # Keras assigns the list as it is, and h5py stores an empty list as an empty float64
            # array.
            group.attrs["weight_names"] = [("%s/%s:0" % (name, w)).encode("utf8")
                                           for w, _ in weights]
        for name, weights in layers:
            for weight, shape in weights:
                number += 1
                f[name].create_dataset("%s/%s:0" % (name, weight),
                                       data=np.full(shape, number, dtype=np.float32))
    with open(FILE_NAME, "rb") as source, gzip.GzipFile(FILE_NAME + ".gz", "wb", mtime=0) as target:
        shutil.copyfileobj(source, target)
    os.remove(FILE_NAME)
    print("wrote %d layers, %d weights" % (len(layers), number))


if __name__ == "__main__":
    main()
