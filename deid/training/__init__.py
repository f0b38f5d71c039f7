"""What only trains or evaluates the de-identifier's name models; the engine never imports it.

Each module is a command (``python -m deid.training.<module> --help``):

* ``name_tagger``: train the linear character tagger (``deid/model/name_tagger.npz``);
* ``char_cnn``: train the character CNN (``deid/model/char_cnn.npz``; needs PyTorch from
  ``requirements-train.txt``);
* ``crossval``: train and score the cross-validation models over train/;
* ``span_judge``: train the span judge on their out-of-fold candidates
  (``deid/model/span_judge.npz``);
* ``tuning``: score the engine's names on dev/;
* ``evaluate``: score the engine against any labelled file;

and ``corpus`` reads the labelled data sets they all use.  The runtime modules of ``deid``
(``engine``, ``name_tagger``, ``char_cnn``, ``span_judge``, …) load what these write; this
package imports from them, never the other way (an import-linter contract).
"""
