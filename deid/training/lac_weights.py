"""Read Baidu's LAC model out of PyPI's ``LAC`` 2.1.2 source distribution into
``deid/model/lac.npz`` for ``deid.lac``: ``python -m deid.training.lac_weights`` (``make lac``).

The distribution (Apache-2.0; the model trained by Baidu on its own corpus) is fetched from
the package index, the one registry the platform's machines reach, and checked against its
SHA-256; ``--sdist`` names a copy already on disk.  Nothing of it is
installed and PaddlePaddle is not needed: each parameter file is one serialised tensor
(a header, a ``TensorDesc`` protocol buffer, then the raw little-endian data), and the
tables are the package's ``conf/*.dic`` files.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import struct
import tarfile
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import numpy.typing as npt

from deid.lac import weights_path

SDIST = "LAC-2.1.2.tar.gz"
SDIST_SHA256 = "22fcde0d5082d2044205ea6f6a7a9cd1f0d63e7b21b2dd5c9c73f27e7c0a3ef1"
_MODEL = "LAC-2.1.2/LAC/lac_model/"
# The network's parameters as ``LAC/nets.py`` names them: two bidirectional GRU layers
# (each direction a fully connected projection and a GRU), the emission layer, the CRF.
_LAYERS = (("fc_0", "gru_0"), ("fc_1", "gru_1"), ("fc_2", "gru_2"), ("fc_3", "gru_3"))
_FP32 = 5  # VarType.FP32 in framework.proto


def tensor(data: bytes) -> npt.NDArray[np.float32]:
    """One tensor as PaddlePaddle's ``save`` writes it: uint32 version, uint64 LoD levels
    (each a uint64 size and its offsets), uint32 tensor version, int32 size of the
    ``TensorDesc`` (field 1: data type, field 2: the dimensions, varints), the data."""
    (version,) = struct.unpack_from("<I", data, 0)
    (levels,) = struct.unpack_from("<Q", data, 4)
    position = 12
    for _ in range(levels):
        (size,) = struct.unpack_from("<Q", data, position)
        position += 8 + size
    _, size = struct.unpack_from("<Ii", data, position)
    position += 8
    fields = _varint_fields(data[position : position + size])
    position += size
    if version != 0 or fields[1] != [_FP32]:
        raise ValueError("not a float32 tensor of PaddlePaddle's format")
    shape = tuple(fields[2])
    count = math.prod(shape)
    values = np.frombuffer(data, dtype="<f4", count=count, offset=position)
    if position + 4 * count != len(data):
        raise ValueError("tensor data of the wrong length")
    return values.reshape(shape).astype(np.float32)


def _varint_fields(message: bytes) -> dict[int, list[int]]:
    """The varint fields of a protocol buffer message (packed or not), by number."""
    fields: dict[int, list[int]] = {1: [], 2: []}
    position = 0

    def varint() -> int:
        nonlocal position
        value = shift = 0
        while True:
            byte = message[position]
            position += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if byte < 0x80:
                return value

    while position < len(message):
        key = varint()
        number, kind = key >> 3, key & 7
        if kind == 0:
            fields.setdefault(number, []).append(varint())
        elif kind == 2:
            end = position + varint()
            while position < end:
                fields.setdefault(number, []).append(varint())
        else:
            raise ValueError(f"unexpected wire type {kind} in TensorDesc")
    return fields


def _pairs(text: str) -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in text.split("\n")]
    return [(row[0], row[1]) for row in rows if len(row) == 2]


def arrays(sdist: Path) -> dict[str, npt.NDArray[np.generic]]:
    """The model's arrays and tables from the source distribution ``sdist``."""
    with tarfile.open(sdist) as archive:

        def read(name: str) -> bytes:
            member = archive.extractfile(_MODEL + name)
            if member is None:
                raise ValueError(f"{name} missing from {sdist}")
            return member.read()

        def text(name: str) -> str:
            return read(name).decode("utf-8")

        result: dict[str, npt.NDArray[np.generic]] = {
            "embedding": tensor(read("model/word_emb")),
            "output_w": tensor(read("model/fc_4.w_0")),
            "output_b": tensor(read("model/fc_4.b_0")).reshape(-1),
            "transitions": tensor(read("model/crfw")),
            "layer_count": np.array(len(_LAYERS)),
        }
        for number, (fc, gru) in enumerate(_LAYERS):
            result[f"layer{number}_fc_w"] = tensor(read(f"model/{fc}.w_0"))
            result[f"layer{number}_fc_b"] = tensor(read(f"model/{fc}.b_0")).reshape(-1)
            result[f"layer{number}_gru_w"] = tensor(read(f"model/{gru}.w_0"))
            result[f"layer{number}_gru_b"] = tensor(read(f"model/{gru}.b_0"))
        words = {int(code): word for code, word in _pairs(text("conf/word.dic"))}
        result["vocabulary"] = np.array([words[n] for n in range(len(words))])
        tags: dict[int, str] = {}
        for code, tag in _pairs(text("conf/tag.dic")):
            tags[int(code)] = tag  # a later line renames (16 nr-B → PER-B), as LAC reads it
        result["tags"] = np.array([tags[n] for n in range(len(tags))])
        replaced = _pairs(text("conf/q2b.dic"))
        result["replace_from"] = np.array([a for a, _ in replaced])
        result["replace_to"] = np.array([b for _, b in replaced])
        counted = [line.split(" ") for line in text("conf/small_seg.dic").split("\n") if line]
        result["segment_words"] = np.array([word for word, _ in counted])
        result["segment_lengths"] = np.array([len(word) for word, _ in counted])
        result["log_total"] = np.array(math.log(sum(int(count) for _, count in counted)))
    if result["embedding"].shape[0] != len(result["vocabulary"]):
        raise ValueError("the embedding and the vocabulary disagree")
    return result


def fetch(directory: Path) -> Path:
    """Download the source distribution from the package index's simple API (PEP 691 JSON;
    ``$WANBIAO_PYPI_SIMPLE``, else PyPI's) into ``directory``.  Not with ``pip download``:
    pip prepares a source distribution's metadata, and LAC's setup script no longer runs."""
    index = os.environ.get("WANBIAO_PYPI_SIMPLE", "https://pypi.org/simple").rstrip("/")
    request = urllib.request.Request(
        f"{index}/lac/", headers={"Accept": "application/vnd.pypi.simple.v1+json"}
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        files = json.load(response)["files"]
    [url] = [f["url"] for f in files if f["filename"] == SDIST]
    path = directory / SDIST
    with urllib.request.urlopen(urllib.parse.urljoin(f"{index}/lac/", url), timeout=600) as got:
        path.write_bytes(got.read())
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sdist", type=Path, help="a copy of LAC-2.1.2.tar.gz on disk")
    parser.add_argument("--out", type=Path, default=None, help="default: deid/model/lac.npz")
    args = parser.parse_args(argv)
    out = args.out or weights_path()
    with tempfile.TemporaryDirectory() as scratch:
        sdist = args.sdist or fetch(Path(scratch))
        digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
        if digest != SDIST_SHA256:
            raise SystemExit(f"{sdist}: SHA-256 {digest}, expected {SDIST_SHA256}")
        model = arrays(sdist)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial.npz")
    np.savez(partial, **model)  # type: ignore[arg-type]
    partial.replace(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
