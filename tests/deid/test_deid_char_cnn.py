"""The character CNN: numpy convolution, isolation of texts in a batch, storage, shipping."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from deid import engine
from deid.char_cnn import ATTRIBUTES, CharCnn, attribute_keys, char_attributes, convolve
from deid.lexicon import encode


def _random_cnn(seed: int = 3, outputs: int = 3) -> CharCnn:
    """Three convolutions reaching 2, 2 and 3 characters (dilations 1, 2, 3), residual."""
    rng = np.random.default_rng(seed)

    def normal(*shape: int) -> np.ndarray:
        return rng.normal(size=shape).astype(np.float32)

    chars = np.array(sorted(ord(c) for c in "记者张伟报道李娜会议"), dtype=np.int64)
    return CharCnn(
        chars,
        normal(len(chars) + 2, 4),
        (normal(6, 4 + ATTRIBUTES, 5), normal(6, 6, 3), normal(6, 6, 3)),
        (normal(6), normal(6), normal(6)),
        (1, 2, 3),
        normal(outputs, 6),
        normal(outputs),
    )


@pytest.mark.parametrize("dilation", [1, 2])
def test_convolution_is_pytorch_conv1d_with_same_padding(dilation: int) -> None:
    rng = np.random.default_rng(0)
    inputs = rng.normal(size=(7, 2)).astype(np.float32)
    kernel = rng.normal(size=(3, 2, 5)).astype(np.float32)
    bias = rng.normal(size=3).astype(np.float32)
    reach = 2 * dilation
    padded = np.vstack([np.zeros((reach, 2)), inputs, np.zeros((reach, 2))])
    expected = np.array(
        [
            [
                bias[o] + sum(kernel[o, :, k] @ padded[t + k * dilation] for k in range(5))
                for o in range(3)
            ]
            for t in range(7)
        ]
    )
    assert np.allclose(convolve(inputs, kernel, bias, dilation), expected, atol=1e-5)


def test_a_convolution_may_not_reach_past_the_boundary_codes() -> None:
    cnn = _random_cnn()
    with pytest.raises(ValueError, match="reach"):
        CharCnn(
            cnn.chars,
            cnn.embedding,
            (cnn.kernels[0], cnn.kernels[1]),
            (cnn.biases[0], cnn.biases[1]),
            (1, 4),
            cnn.output,
            cnn.bias_out,
        )


def test_other_named_things_count_as_outside_a_name() -> None:
    cnn = _random_cnn(outputs=5)
    codes, _ = encode(["记者张伟报道"])
    folded = cnn.logits(codes)
    assert folded.shape == (len(codes), 3)
    # the raw scores of the five outputs, read through two three-output copies
    first = dataclasses.replace(cnn, output=cnn.output[:3], bias_out=cnn.bias_out[:3])
    rest = dataclasses.replace(cnn, output=cnn.output[[3, 4, 0]], bias_out=cnn.bias_out[[3, 4, 0]])
    raw = np.concatenate([first.logits(codes), rest.logits(codes)[:, :2]], axis=1)

    def softmax(scores: np.ndarray) -> np.ndarray:
        exp = np.exp(scores - scores.max(axis=1, keepdims=True))
        return exp / exp.sum(axis=1, keepdims=True)

    expected = softmax(raw)
    got = softmax(folded)
    assert np.allclose(got[:, 1:], expected[:, 1:3], atol=1e-5)  # B and I unchanged
    assert np.allclose(got[:, 0], expected[:, [0, 3, 4]].sum(axis=1), atol=1e-5)


def test_a_text_scores_the_same_alone_and_inside_a_batch() -> None:
    cnn = _random_cnn()
    alone, _ = encode(["记者张伟报道"])
    batch, starts = encode(["李娜会议", "记者张伟报道", "张"])
    first = int(starts[1])
    assert np.allclose(cnn.logits(alone)[3:9], cnn.logits(batch)[first : first + 6], atol=1e-5)


def test_a_network_with_bigrams_isolates_texts_and_loads_as_saved(tmp_path: Path) -> None:
    rng = np.random.default_rng(5)
    cnn = dataclasses.replace(_random_cnn(), bigrams=rng.normal(size=(2**10, 6)).astype(np.float32))
    alone, _ = encode(["记者张伟报道"])
    batch, starts = encode(["李娜会议", "记者张伟报道", "张"])
    first = int(starts[1])
    assert np.allclose(cnn.logits(alone)[3:9], cnn.logits(batch)[first : first + 6], atol=1e-5)
    # the bigrams count: the same network without them scores otherwise
    plain = dataclasses.replace(cnn, bigrams=None)
    assert not np.allclose(plain.logits(alone), cnn.logits(alone))
    path = tmp_path / "cnn.npz"
    cnn.save(path)
    loaded = CharCnn.load(path)
    assert loaded.bigram_bits == 10
    assert np.allclose(loaded.logits(alone), cnn.logits(alone), rtol=0.02, atol=0.05)


def test_boundaries_have_no_attributes() -> None:
    codes, _ = encode(["张伟"])
    attributes = char_attributes(codes)
    assert attributes.shape == (8, ATTRIBUTES)
    assert not attributes[:3].any() and attributes[3, 0] == 1  # 张 is a surname


def test_attribute_keys_hold_one_class_and_one_given_level_per_character() -> None:
    codes, _ = encode(["张伟说", "Li 2"])
    keys = attribute_keys(codes)
    text = codes != 0x110001
    assert not keys[~text].any() and keys[3] & 1  # 张 is a surname
    for first, last in ((2, 7), (8, 12)):  # character classes, given-name levels
        width = (keys[text] >> np.uint64(first)) & np.uint64(2 ** (last - first) - 1)
        assert all(bin(int(w)).count("1") == 1 for w in width)
    assert (char_attributes(codes)[:, 2:7].argmax(axis=1)[text] == [1, 1, 1, 3, 3, 4, 2]).all()


def test_saved_network_loads_and_refuses_other_attributes(tmp_path: Path) -> None:
    cnn = _random_cnn()
    path = tmp_path / "cnn.npz"
    cnn.save(path)
    codes, _ = encode(["记者张伟报道"])
    assert np.allclose(CharCnn.load(path).logits(codes), cnn.logits(codes), rtol=0.02, atol=0.05)
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


def test_the_first_layers_look_ups_equal_the_convolution_they_replace() -> None:
    cnn = _random_cnn()
    codes, _ = encode(["记者张伟报道", "李娜会议"])
    boundary = codes == 0x110001
    hidden = np.concatenate([cnn.embedding[cnn.index[codes]], char_attributes(codes)], axis=1)
    for number, (kernel, bias, dilation) in enumerate(
        zip(cnn.kernels, cnn.biases, cnn.dilations, strict=True)
    ):
        layer = np.maximum(convolve(hidden, kernel, bias, dilation), 0.0)
        if number:
            layer += hidden
        layer[boundary] = 0.0
        hidden = layer
    expected = hidden @ cnn.output.T + cnn.bias_out
    assert np.allclose(cnn.logits(codes), expected, rtol=1e-4, atol=1e-3)


@pytest.mark.parametrize("dilation", [1, 2])
def test_the_attribute_look_up_equals_its_convolution_on_real_text(dilation: int) -> None:
    cnn = engine.load_name_tagger().network
    assert isinstance(cnn, CharCnn)
    texts = [
        "这次会议由副省长刘晓东主持,王晓红和赵建军出席。",
        "来信人马平静，联系电话13912345678，反映户籍办理问题。",
        "Email: zhang.san@ahszf.gov.cn　审判长　　唐　勇",
    ] * 3
    codes, _ = encode(texts)
    attributes = char_attributes(codes)
    width = cnn.embedding.shape[1]
    kernel, bias = cnn.kernels[0][:, width:, :], cnn.biases[0]
    looked_up = cnn._first_attribute_taps(attribute_keys(codes), bias, dilation)
    assert looked_up.shape == (len(codes), kernel.shape[0])
    assert np.allclose(
        looked_up, convolve(attributes, kernel, bias, dilation), rtol=1e-6, atol=1e-6
    )


@pytest.mark.parametrize("shipped", [True, False])
def test_the_network_read_at_chosen_positions_is_its_full_reading_there(shipped: bool) -> None:
    cnn = engine.load_name_tagger().network if shipped else _random_cnn()
    assert isinstance(cnn, CharCnn)
    codes, _ = encode(["这次会议由副省长刘晓东主持,王晓红和赵建军出席。", "记者张伟报道", "李娜"])
    full = cnn.logits(codes)
    text = np.flatnonzero(codes != 0x110001)
    for at in (np.arange(len(codes)), text[::5], np.array([0, 5, len(codes) - 1]), text[:0]):
        assert np.allclose(cnn.logits(codes, at=at), full[at], rtol=1e-5, atol=1e-5)
