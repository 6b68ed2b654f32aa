#!/usr/bin/env python3
"""Writes the small ONNX models the importer's tests read (tests/import/models/).

Built with the `onnx` Python package (Debian: python3-onnx), so the tests need
neither PyTorch nor the package: the files are committed. Rerun after changing
this script:  /usr/bin/python3 scripts/make-onnx-fixtures.py

  plain-cnn.onnx      conv/relu/pool CNN for Fashion-MNIST shapes, symbolic batch,
                      Gemm and MatMul + Add (a bias), Dropout and Identity
  residual-bn.onnx    the test workload tiny-resnet-bn as PyTorch exports it in
                      training mode: BatchNormalization with three outputs, a
                      stride-2 basic block with a projection shortcut
  separable.onnx      MobileNet-style: depthwise and pointwise convs, a grouped
                      conv, an inverted residual block (Add without ReLU after),
                      Clip as a ReLU (min 0, no max)
  unsupported.onnx    LeakyRelu, Clip as ReLU6, a dilated conv and Softmax: one
                      error each
Weights are zeros: the importer reads only their shapes.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "import", "models")
OPSET = 14  # what torch 1.13 (Debian 12) exports by default


class Graph:
    def __init__(self):
        self.nodes, self.inits = [], []

    def weight(self, name, dims):
        self.inits.append(helper.make_tensor(name, TensorProto.FLOAT, dims, np.zeros(dims, np.float32).ravel().tolist()))
        return name

    def node(self, op, name, inputs, n_outputs=1, **attrs):
        outs = [f"{name}_output_{i}" for i in range(n_outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=name, **attrs))
        return outs[0]

    def conv(self, name, x, cin, cout, k, stride=1, pad=0, group=1, bias=False, **extra):
        w = self.weight(name.strip("/").replace("/", ".") + ".weight", [cout, cin // group, k, k])
        ins = [x, w] + ([self.weight(name.strip("/").replace("/", ".") + ".bias", [cout])] if bias else [])
        return self.node("Conv", name, ins, dilations=extra.get("dilations", [1, 1]), group=group,
                         kernel_shape=[k, k], pads=[pad] * 4, strides=[stride, stride])

    def bn(self, name, x, c):
        p = name.strip("/").replace("/", ".")
        ins = [x] + [self.weight(f"{p}.{s}", [c]) for s in ("weight", "bias", "running_mean", "running_var")]
        return self.node("BatchNormalization", name, ins, n_outputs=3, epsilon=1e-5, momentum=0.9, training_mode=1)

    def gemm(self, name, x, fin, fout):
        p = name.strip("/").replace("/", ".")
        return self.node("Gemm", name, [x, self.weight(p + ".weight", [fout, fin]), self.weight(p + ".bias", [fout])],
                         alpha=1.0, beta=1.0, transB=1)

    def save(self, file, x_dims, out, out_dims, extra_inits=()):
        graph = helper.make_graph(self.nodes, os.path.splitext(file)[0],
                                  [helper.make_tensor_value_info("input", TensorProto.FLOAT, x_dims)],
                                  [helper.make_tensor_value_info(out, TensorProto.FLOAT, out_dims)],
                                  self.inits + list(extra_inits))
        model = helper.make_model(graph, producer_name="qtsim-fixtures", opset_imports=[helper.make_opsetid("", OPSET)])
        model.ir_version = 7
        onnx.checker.check_model(model)
        onnx.save(model, os.path.join(OUT, file))


def plain_cnn():
    g = Graph()
    x = g.conv("/conv1/Conv", "input", 1, 8, 3, pad=1, bias=True)
    x = g.node("Relu", "/relu1/Relu", [x])
    x = g.node("MaxPool", "/pool1/MaxPool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.conv("/conv2/Conv", x, 8, 16, 3, pad=1, bias=True)
    x = g.node("Relu", "/relu2/Relu", [x])
    x = g.node("AveragePool", "/pool2/AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2])
    x = g.node("Flatten", "/Flatten", [x], axis=1)
    x = g.gemm("/fc1/Gemm", x, 16 * 7 * 7, 32)
    x = g.node("Relu", "/relu3/Relu", [x])
    ratio = helper.make_tensor("dropout.ratio", TensorProto.FLOAT, [], [0.5])
    mode = helper.make_tensor("dropout.training_mode", TensorProto.BOOL, [], [True])
    x = g.node("Dropout", "/dropout/Dropout", [x, "dropout.ratio", "dropout.training_mode"], n_outputs=2)
    x = g.node("MatMul", "/fc2/MatMul", [x, g.weight("fc2.weight", [32, 10])])
    x = g.node("Add", "/fc2/Add", [x, g.weight("fc2.bias", [10])])
    x = g.node("Identity", "/output/Identity", [x])
    g.save("plain-cnn.onnx", ["N", 1, 28, 28], x, ["N", 10], [ratio, mode])


def residual_bn():
    g = Graph()
    x = g.bn("/bn1/BatchNormalization", g.conv("/conv1/Conv", "input", 2, 8, 3, pad=1), 8)
    stem = g.node("Relu", "/relu/Relu", [x])
    b = "/layer1/layer1.0"
    h = g.bn(f"{b}/bn1/BatchNormalization", g.conv(f"{b}/conv1/Conv", stem, 8, 16, 3, stride=2, pad=1), 16)
    h = g.node("Relu", f"{b}/relu/Relu", [h])
    h = g.bn(f"{b}/bn2/BatchNormalization", g.conv(f"{b}/conv2/Conv", h, 16, 16, 3, pad=1), 16)
    s = g.conv(f"{b}/downsample/downsample.0/Conv", stem, 8, 16, 1, stride=2)
    s = g.bn(f"{b}/downsample/downsample.1/BatchNormalization", s, 16)
    x = g.node("Add", f"{b}/Add", [h, s])
    x = g.node("Relu", f"{b}/relu_1/Relu", [x])
    x = g.node("GlobalAveragePool", "/avgpool/GlobalAveragePool", [x])
    x = g.node("Flatten", "/Flatten", [x], axis=1)
    x = g.gemm("/fc/Gemm", x, 16, 4)
    g.save("residual-bn.onnx", [1, 2, 8, 8], x, [1, 4])


def separable():
    g = Graph()
    relu_bounds = helper.make_tensor("clip.min", TensorProto.FLOAT, [], [0.0])

    def conv_bn_relu(name, x, cin, cout, k, stride=1, group=1, clip=False):
        y = g.bn(f"{name}/bn/BatchNormalization", g.conv(f"{name}/conv/Conv", x, cin, cout, k, stride, k // 2, group), cout)
        if clip:
            return g.node("Clip", f"{name}/act/Clip", [y, "clip.min"])
        return g.node("Relu", f"{name}/act/Relu", [y])

    x = conv_bn_relu("/features.0", "input", 3, 8, 3, stride=2)
    x = conv_bn_relu("/features.1/dw", x, 8, 8, 3, group=8, clip=True)
    x = conv_bn_relu("/features.1/pw", x, 8, 16, 1)
    x = conv_bn_relu("/features.2", x, 16, 16, 3, group=4)
    # Inverted residual: expand, depthwise, project (no activation), then Add.
    h = conv_bn_relu("/features.3/expand", x, 16, 32, 1)
    h = conv_bn_relu("/features.3/dw", h, 32, 32, 3, group=32)
    h = g.bn("/features.3/project/bn/BatchNormalization", g.conv("/features.3/project/conv/Conv", h, 32, 16, 1), 16)
    x = g.node("Add", "/features.3/Add", [x, h])
    x = g.node("GlobalAveragePool", "/pool/GlobalAveragePool", [x])
    x = g.node("Flatten", "/Flatten", [x], axis=1)
    x = g.gemm("/classifier/Gemm", x, 16, 10)
    g.save("separable.onnx", [1, 3, 16, 16], x, [1, 10], [relu_bounds])


def unsupported():
    g = Graph()
    bounds = [helper.make_tensor("relu6.min", TensorProto.FLOAT, [], [0.0]),
              helper.make_tensor("relu6.max", TensorProto.FLOAT, [], [6.0])]
    x = g.conv("/conv1/Conv", "input", 3, 8, 3, pad=1)
    x = g.node("LeakyRelu", "/act1/LeakyRelu", [x], alpha=0.1)
    x = g.conv("/conv2/Conv", x, 8, 8, 3, pad=2, dilations=[2, 2])
    x = g.node("Clip", "/act2/Clip", [x, "relu6.min", "relu6.max"])
    x = g.node("GlobalAveragePool", "/pool/GlobalAveragePool", [x])
    x = g.node("Flatten", "/Flatten", [x], axis=1)
    x = g.gemm("/fc/Gemm", x, 8, 10)
    x = g.node("Softmax", "/Softmax", [x], axis=1)
    g.save("unsupported.onnx", [1, 3, 8, 8], x, [1, 10], bounds)


def main():
    os.makedirs(OUT, exist_ok=True)
    for make in (plain_cnn, residual_bn, separable, unsupported):
        make()
    for f in sorted(os.listdir(OUT)):
        print(f"{os.path.join(OUT, f)}: {os.path.getsize(os.path.join(OUT, f))} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
