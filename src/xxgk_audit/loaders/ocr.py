"""The offline text recognizer: RapidOCR on ONNX Runtime, with the PP-OCR models of its own wheel.

The optional extra ``pip install "xxgk-audit[ocr]"`` installs ``rapidocr-onnxruntime`` (1.4.x),
whose wheel carries the PP-OCRv4 Chinese detection and recognition models
(``models/ch_PP-OCRv4_det_infer.onnx``, ``models/ch_PP-OCRv4_rec_infer.onnx``); the character table
is inside the recognition model. Nothing is ever downloaded: the engine is built from those files
by their paths, and if one is missing the engine refuses to start (:class:`OcrUnavailable`) rather
than fetch a model from anywhere. The successor package ``rapidocr`` (2.x), which downloads its
models from a hub on first use, is deliberately not used.

What is read, per text line the detector finds: its box (a quadrilateral in pixels), its text and
confidence, and for every character its position along the line, its probability, its share among
the digits and the digit the recognizer ranked next. A line that reads as a number is decoded again
over the digits and separators only (constrained decoding): a table value cannot be "O" or "l", and
the probabilities then compare digits with digits, which is what a misread is about. The angle
classifier is off: it turns lines by 180°, which for a lone "6" or "9" is a misread of its own.

Three small adjustments to RapidOCR 1.4 (which is why the version is pinned): the detector works on
a copy of the page reduced to 1600 px and its boxes are widened a little (:class:`_Padded`); the
CTC decoding keeps what is described above (:class:`_Decoder`); ONNX Runtime's threads do not spin
while they wait (a batch runs several workers on few cores).
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

INSTALL = 'pip install "xxgk-audit[ocr]"'
INSTALL_HINT = f"（安装文字识别扩展后可直接审核扫描件：{INSTALL}）"
PACKAGE = "rapidocr-onnxruntime"
PIPELINE = 6  # bump when what is cached per page changes
MODELS = {
    "det": "models/ch_PP-OCRv4_det_infer.onnx",
    "rec": "models/ch_PP-OCRv4_rec_infer.onnx",
    "cls": "models/ch_ppocr_mobile_v2.0_cls_infer.onnx",  # loaded by the engine, never used (see above)
}
MODEL_LABEL = "PP-OCRv4 中文文字检测与识别（ch_PP-OCRv4_det_infer、ch_PP-OCRv4_rec_infer，随 rapidocr-onnxruntime 安装）"

_NUMERIC_LIKE = re.compile(r"^[\s0-9０-９OoDQlI|iSZB,，.．、:+\-－—–]+$")
_NUMERIC_CHARS = "0123456789,.-"
_BLANK_ONLY = re.compile(r"^[\s\-－—–/／\\]+$")
_LOCK = threading.Lock()


class OcrUnavailable(Exception):
    """The OCR extra is not installed, or its model files are missing."""


def available() -> bool:
    """Whether the OCR extra is installed (imports nothing heavy when it is not)."""
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def install_hint() -> str:
    """The sentence that names the install command, or nothing when OCR is installed."""
    return "" if available() else INSTALL_HINT


@cache
def versions() -> dict[str, str]:
    out = {}
    for name in (PACKAGE, "onnxruntime"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "?"
    return out


def engine_label() -> str:
    v = versions()
    return f"RapidOCR {v[PACKAGE]}（ONNX Runtime {v['onnxruntime']}）"


def engine_key() -> str:
    """What the cached results depend on: the package, the runtime and this pipeline."""
    v = versions()
    return f"rapidocr{v[PACKAGE]}-ort{v['onnxruntime']}-p{PIPELINE}"


def _model_paths() -> dict[str, str]:
    try:
        import rapidocr_onnxruntime
    except ImportError:
        raise OcrUnavailable(INSTALL) from None
    root = Path(rapidocr_onnxruntime.__file__).resolve().parent
    paths = {key: root / relative for key, relative in MODELS.items()}
    missing = [str(p) for p in paths.values() if not p.is_file()]
    if missing:  # never fetched from anywhere: the installation is broken
        raise OcrUnavailable(f"文字识别模型文件缺失（{'、'.join(missing)}），请重新安装：{INSTALL}")
    return {key: str(path) for key, path in paths.items()}


_engine = None


def _after_fork() -> None:
    """A forked process (a batch worker) builds its own engine: ONNX Runtime's thread pool does not
    survive a fork, and a lock held by another thread at the fork would never be released."""
    global _engine, _LOCK
    _engine = None
    _LOCK = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


def _get_engine():
    global _engine
    if _engine is None:
        paths = _model_paths()
        from rapidocr_onnxruntime import RapidOCR
        from rapidocr_onnxruntime.utils import infer_engine

        # ONNX Runtime's worker threads spin while they wait: on a busy machine (a batch with
        # several workers, other users) that burns a third more CPU for nothing
        original = infer_engine.OrtInferSession.__dict__["_init_sess_opts"]

        def options(config):
            made = original.__func__(config)
            made.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return made

        infer_engine.OrtInferSession._init_sess_opts = staticmethod(options)
        try:
            engine = RapidOCR(
                det_model_path=paths["det"],
                rec_model_path=paths["rec"],
                cls_model_path=paths["cls"],
                use_cls=False,
                text_score=0.0,  # every line is kept here and judged by its confidence below
                max_side_len=100_000,  # the page is sized before it gets here
                print_verbose=False,
            )
        finally:
            infer_engine.OrtInferSession._init_sess_opts = original
        engine.text_det = _Padded(engine.text_det)
        engine.text_rec.postprocess_op = _Decoder(engine.text_rec.postprocess_op)
        _engine = engine
    return _engine


@dataclass(slots=True)
class Line:
    """One recognized line: its box in pixels (four corners), text, confidence and characters as
    (character, position 0–1 along the box, probability, runner-up digit, its share among the
    digits, the character's own share among the digits). A lone digit often has a probability of
    0.9 only because the recognizer hesitates between it and nothing (CTC's blank); among the
    digits it is then still sure, and that is what a misread is about."""

    quad: list[list[float]]
    text: str
    confidence: float
    chars: list[tuple[str, float, float, str, float]]


def recognize(image) -> list[Line]:
    """The text lines of an RGB image (numpy array, height × width × 3)."""
    engine = _get_engine()
    with _LOCK:  # one page at a time: ONNX Runtime already uses every core
        result, _ = engine(image, use_cls=False)
    lines = []
    for item in result or []:
        quad, text, confidence = item[0], item[1], item[2]
        chars = item[3] if len(item) > 3 else []
        lines.append(Line([[float(x), float(y)] for x, y in quad], text, float(confidence), chars))
    return lines


def recognize_crops(images: list) -> list[Line]:
    """Recognize gray image crops that each hold one line (no detection): text, confidence and
    characters per crop; the quad is the crop's own frame."""
    import numpy as np

    if not images:
        return []
    engine = _get_engine()
    colour = [np.repeat(np.ascontiguousarray(image)[:, :, None], 3, axis=2) for image in images]
    with _LOCK:
        results, _ = engine.text_rec(colour)
    out = []
    for image, (text, confidence, chars) in zip(images, results):
        height, width = image.shape[:2]
        out.append(Line([[0.0, 0.0], [float(width), 0.0], [float(width), float(height)], [0.0, float(height)]], text, float(confidence), chars))
    return out


class _Padded:
    """The detector, on a copy of the page reduced to :attr:`MAX_SIDE` pixels (the boxes are scaled
    back: the characters are still read at full resolution), each box widened along its line by a
    fifth of its height at both ends: the recognizer drops a first or last character that a tight
    box cuts (a leading "一" most often)."""

    PAD = 0.2
    MAX_SIDE = 1600  # lines are found on a copy this large at most (a quarter less time, the same boxes)

    def __init__(self, detect):
        self.detect = detect

    def __call__(self, image):
        import numpy as np

        height, width = image.shape[:2]
        factor = 1.0
        if self.MAX_SIDE and max(height, width) > self.MAX_SIDE:
            import cv2

            factor = max(height, width) / self.MAX_SIDE
            image = cv2.resize(image, (round(width / factor), round(height / factor)), interpolation=cv2.INTER_AREA)
        boxes, elapse = self.detect(image)
        if boxes is None or len(boxes) == 0:
            return boxes, elapse
        out = np.array(boxes, dtype=np.float32) * factor
        for box in out:  # corners: top left, top right, bottom right, bottom left
            along = box[1] - box[0]
            length = float(np.hypot(*along))
            if length < 1:
                continue
            unit = along / length
            pad = self.PAD * float(np.hypot(*(box[3] - box[0])))
            box[0] -= unit * pad
            box[3] -= unit * pad
            box[1] += unit * pad
            box[2] += unit * pad
        out[..., 0] = np.clip(out[..., 0], 0, width - 1)
        out[..., 1] = np.clip(out[..., 1], 0, height - 1)
        return out, elapse


class _Decoder:
    """RapidOCR's CTC decoding, keeping per character its position, probability and runner-up
    digit; lines that read as a number are decoded over digits and separators only."""

    def __init__(self, base):
        self.character = list(base.character)
        index = {c: i for i, c in enumerate(self.character)}
        self.blank = 0
        self.digits = [index[d] for d in "0123456789" if d in index]
        self.numeric = [0] + [index[c] for c in _NUMERIC_CHARS if c in index]

    def __call__(self, preds, return_word_box=False, **kwargs):
        import numpy as np

        ratios = kwargs.get("wh_ratio_list") or [None] * len(preds)
        widest = kwargs.get("max_wh_ratio") or 1.0
        out = []
        for row, ratio in zip(preds, ratios):
            share = (ratio / widest) if ratio else 1.0
            text, confidence, chars = self._decode(np.asarray(row), None, share)
            if text and _NUMERIC_LIKE.match(text) and any(c.isdigit() or c in "OoDQlI|iSZB" for c in text) and not _BLANK_ONLY.match(text):
                text, confidence, chars = self._decode(np.asarray(row), self.numeric, share)
            out.append((text, confidence, chars))
        return out

    def _decode(self, probs, allowed, share: float):
        import numpy as np

        if allowed is not None:
            probs = probs[:, allowed]
            probs = probs / np.maximum(probs.sum(axis=1, keepdims=True), 1e-12)
            names = [self.character[i] for i in allowed]
            digit_columns = [allowed.index(i) for i in self.digits]
        else:
            names = self.character
            digit_columns = self.digits
        best = probs.argmax(axis=1)
        steps = len(best)
        chars = []
        t = 0
        while t < steps:
            k = int(best[t])
            end = t + 1
            while end < steps and best[end] == k:
                end += 1
            if k != self.blank:
                run = probs[t:end, k]
                peak = t + int(run.argmax())
                p = float(run.max())
                char = names[k]
                alt, q, d = "", 0.0, p
                if char.isdigit():  # how sure among the digits, and the digit ranked next
                    row = probs[peak, digit_columns]
                    row = row / max(float(row.sum()), 1e-12)
                    order = np.argsort(row)[::-1]
                    d = float(row[digit_columns.index(k)]) if k in digit_columns else p
                    for j in order[:2]:
                        name = names[digit_columns[int(j)]]
                        if name != char:
                            alt, q = name, float(row[int(j)])
                            break
                position = min(1.0, ((t + end) / 2) / steps / max(share, 1e-6))
                chars.append((char, round(position, 4), round(p, 4), alt, round(q, 4), round(d, 4)))
            t = end
        text = "".join(c[0] for c in chars)
        confidence = float(np.mean([c[2] for c in chars])) if chars else 0.0
        return text, confidence, chars
