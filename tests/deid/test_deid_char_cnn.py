"""The character CNN: numpy convolution, isolation of texts in a batch, storage, shipping."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from deid import engine
from deid.char_cnn import ATTRIBUTES, CharCnn, char_attributes, convolve
from deid.name_tagger import encode


def _random_cnn(seed: int = 3) -> CharCnn:
    rng = np.random.default_rng(seed)

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(size=shape).astype(np.float32)

    chars = np.array(sorted(ord(c) for c in "记者张伟报道李娜会议"), dtype=np.int64)
    return CharCnn(chars, normal(len(chars) + 2, 4), normal(5, 4 + ATTRIBUTES, 5), normal(5),
                   normal(6, 5, 3), normal(6), normal(3, 6), normal(3))


def test_convolution_is_pytorch_conv1d_with_same_padding() -> None:
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(7, 2)).astype(np.float32)
    kernel = rng.normal(size=(3, 2, 5)).astype(np.float32)
    bias = rng.normal(size=3).astype(np.float32)
    padded = np.vstack([np.zeros((2, 2)), inputs, np.zeros((2, 2))])
    expected = np.array([[bias[o] + sum(kernel[o, :, k] @ padded[t + k] for k in range(5))
                          for o in range(3)] for t in range(7)])
    assert np.allclose(convolve(inputs, kernel, bias), expected, atol=1e-5)


def test_a_text_scores_the_same_alone_and_inside_a_batch() -> None:
    cnn = _random_cnn()
    alone, _ = encode(["记者张伟报道"])
    batch, starts = encode(["李娜会议", "记者张伟报道", "张"])
    first = int(starts[1])
    assert np.allclose(cnn.logits(alone)[3:9], cnn.logits(batch)[first : first + 6], atol=1e-5)


def test_boundaries_have_no_attributes() -> None:
    codes, _ = encode(["张伟"])
    attributes = char_attributes(codes)
    assert attributes.shape == (8, ATTRIBUTES)
    assert not attributes[:3].any() and attributes[3, 0] == 1  # 张 is a surname


def test_saved_network_loads_and_refuses_other_attributes(tmp_path: Path) -> None:
    cnn = _random_cnn()
    path = tmp_path / "cnn.npz"
    cnn.save(path)
    codes, _ = encode(["记者张伟报道"])
    assert np.allclose(CharCnn.load(path).logits(codes), cnn.logits(codes), atol=0.05)
    with np.load(path) as stored:
        arrays = dict(stored)
    np.savez(path, **{**arrays, "attributes": np.array(ATTRIBUTES + 1)})
    with pytest.raises(ValueError, match="retrain"):
        CharCnn.load(path)


def test_missing_network_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="char_cnn"):
        engine.build_analyzer(network_path=tmp_path / "char_cnn.npz")


def test_the_shipped_network_finds_names_by_itself() -> None:
    tagger = engine.get_engine().nlp_engine.tagger
    assert tagger.network is not None
    text = "这次会议由副省长刘晓东主持,王晓红和赵建军出席。"
    codes, _ = encode([text])
    logits = tagger.network.logits(codes)[3:-3]
    named = logits[:, 1:].max(axis=1) > logits[:, 0]
    assert {text[i] for i in np.flatnonzero(named)} >= set("刘晓东王晓红赵建军")
