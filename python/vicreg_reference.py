#!/usr/bin/env python3
"""NumPy reference of a vicreg-streams encoder exported as safetensors.

Loads the file that ``vicreg-streams export`` (or the monitor's ``GET /model?format=safetensors``)
writes and embeds inputs with it, exactly as the Java learner's inference does, using NumPy alone:
no torch, no safetensors package. The header is parsed with ``json``, the tensors with
``numpy.frombuffer``; the metadata's ``layers`` gives the forward pass.

Usage:
    python3 vicreg_reference.py MODEL.safetensors INPUTS.npy OUTPUT.npy

INPUTS.npy is a float array [n, input_dim] (one sample per row, as the learner's ``features``);
OUTPUT.npy gets the representations [n, representation_dim], float32. As a library:

    model = load("model.safetensors")
    representations = embed(model, inputs)
"""

import json
import struct
import sys

import numpy as np

FORMAT = "vicreg-streams-encoder"
FORMAT_VERSION = "1"
# What the Java writer accepts and more than any encoder needs: a bound against a forged header.
MAX_HEADER_BYTES = 100 * 1024 * 1024


class Model:
    """The tensors and metadata of an exported encoder."""

    def __init__(self, tensors, metadata):
        self.tensors = tensors
        self.metadata = metadata
        self.layers = json.loads(metadata["layers"])
        self.input_dim = int(metadata["input_dim"])
        self.representation_dim = int(metadata["representation_dim"])


def load(path):
    """Reads a safetensors file written by vicreg-streams; raises ValueError if it is not one."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: {len(data)} bytes is shorter than any safetensors file")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > min(MAX_HEADER_BYTES, len(data) - 8):
        raise ValueError(f"{path}: header length {header_len} does not fit the file")
    header = json.loads(data[8 : 8 + header_len].decode("utf-8"))
    metadata = header.pop("__metadata__", {})
    if metadata.get("format") != FORMAT:
        raise ValueError(f"{path}: not a {FORMAT} file (format: {metadata.get('format')})")
    if metadata.get("format_version") != FORMAT_VERSION:
        raise ValueError(
            f"{path}: format version {metadata.get('format_version')}; this reader knows "
            f"{FORMAT_VERSION}"
        )
    body = data[8 + header_len :]
    tensors = {}
    for name, info in header.items():
        if info["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {info['dtype']}, not F32")
        begin, end = info["data_offsets"]
        shape = tuple(info["shape"])
        if not 0 <= begin <= end <= len(body) or end - begin != 4 * int(np.prod(shape)):
            raise ValueError(f"{path}: tensor {name} has bad offsets {begin}, {end}")
        tensors[name] = np.frombuffer(body, dtype="<f4", count=(end - begin) // 4, offset=begin)
        tensors[name] = tensors[name].reshape(shape).astype(np.float64)
    return Model(tensors, metadata)


def conv2d(x, weight, bias, stride, padding):
    """Cross-correlation of x [n, c, h, w] with weight [o, c, kh, kw], as torch's conv2d."""
    n, c, h, w = x.shape
    o, c_w, kh, kw = weight.shape
    if c != c_w:
        raise ValueError(f"conv2d: input has {c} channels, the kernel takes {c_w}")
    (sh, sw), (ph, pw) = stride, padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    ho = (h + 2 * ph - kh) // sh + 1
    wo = (w + 2 * pw - kw) // sw + 1
    out = np.zeros((n, o, ho, wo))
    for i in range(kh):
        for j in range(kw):
            patch = xp[:, :, i : i + sh * (ho - 1) + 1 : sh, j : j + sw * (wo - 1) + 1 : sw]
            out += np.einsum("nchw,oc->nohw", patch, weight[:, :, i, j])
    return out + bias[None, :, None, None]


def layer_norm(x, weight, bias, eps):
    """Normalises each row over the last axis (population variance), then scales and shifts."""
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * weight + bias


def embed(model, inputs):
    """The representations [n, representation_dim] (float32) of inputs [n, input_dim]."""
    x = np.asarray(inputs, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != model.input_dim:
        raise ValueError(f"inputs must be [n, {model.input_dim}]. Got: {list(x.shape)}")
    t = model.tensors
    for layer in model.layers:
        op = layer["op"]
        if op == "image":
            x = x.reshape((x.shape[0], *layer["shape"]))
        elif op == "conv2d":
            x = conv2d(x, t[layer["weight"]], t[layer["bias"]], layer["stride"], layer["padding"])
        elif op == "relu":
            x = np.maximum(x, 0.0)
        elif op == "flatten":
            x = x.reshape(x.shape[0], -1)
        elif op == "linear":
            x = x @ t[layer["weight"]].T + t[layer["bias"]]
        elif op == "layer_norm":
            x = layer_norm(x, t[layer["weight"]], t[layer["bias"]], layer["eps"])
        else:
            raise ValueError(f"unknown layer op {op!r}: this reader is older than the file")
    return x.astype(np.float32)


def main(argv):
    if len(argv) != 4:
        print(__doc__[__doc__.index("Usage:") :].split("\n\n")[0], file=sys.stderr)
        return 2
    try:
        model = load(argv[1])
        representations = embed(model, np.load(argv[2]))
        np.save(argv[3], representations)
    except (OSError, ValueError, KeyError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(
        f"embedded {representations.shape[0]} rows with {model.metadata['model_spec']}"
        f" step {model.metadata['step']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
