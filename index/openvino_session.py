"""The float32 ONNX export run by OpenVINO in bfloat16: the same graph, faster, the same vectors.

onnxruntime runs the export in float32. On a CPU that multiplies bfloat16 natively (AVX-512
BF16, AMX), OpenVINO can run the very same graph with bfloat16 matrix products and float32
accumulation; the vectors differ from float32's by rounding only (min cosine 0.99999 over
../shared/corpus passages), where onnxruntime's int8 graph moved them far enough to lose dev
recall. `install_model` checks it like the export itself (`check`: min cosine against the
float32 run on fixed texts, one by one and in padded batches) and records the result beside
the export; `OnnxModel` runs on OpenVINO only where that check passed on this machine.

`OpenVinoSession` offers the one method of `onnxruntime.InferenceSession` that `OnnxModel`
calls, `run(None, feeds)`.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

RECORD = "binhdang-openvino.json"
RECORD_VERSION = 1
PRECISION = "bf16"
# Vectors must agree with float32 onnxruntime as closely as the export agrees with torch
# (index.onnx_encoder.MIN_COSINE_VS_TORCH): then an index built on either is served by either.
MIN_COSINE = 0.9999


def available() -> bool:
    """True if OpenVINO imports here."""
    try:
        import openvino  # noqa: F401
    except ImportError:
        return False
    return True


def native_bf16() -> bool:
    """True if this CPU computes bfloat16 natively (OpenVINO's own report); without it OpenVINO
    would emulate bfloat16, slower than onnxruntime's float32."""
    if not available():
        return False
    import openvino

    try:
        return "BF16" in openvino.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")
    except RuntimeError:
        return False


def record(graph_dir: Path) -> dict | None:
    """What `install_model` recorded of OpenVINO on this export, or None."""
    try:
        return json.loads((graph_dir / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def passed(graph_dir: Path) -> bool:
    """True if OpenVINO passed this version's check on this export (reads the record only: it
    imports nothing, so a process that never embeds a passage never loads OpenVINO)."""
    checked = record(graph_dir)
    return bool(checked and checked.get("version") == RECORD_VERSION and checked.get("passed"))


def write_record(graph_dir: Path, min_cosine: float | None, reason: str = "") -> dict:
    """Record the check's outcome (None: not run, with the reason)."""
    version = None
    if available():
        import openvino

        version = openvino.__version__
    outcome = {
        "version": RECORD_VERSION,
        "precision": PRECISION,
        "openvino": version,
        "min_cosine_vs_float32": None if min_cosine is None else round(min_cosine, 7),
        "passed": min_cosine is not None and min_cosine >= MIN_COSINE,
        "reason": reason,
    }
    (graph_dir / RECORD).write_text(json.dumps(outcome, indent=1), encoding="utf-8")
    return outcome


class OpenVinoSession:
    """One compiled graph on the CPU in bfloat16, with `threads` inference threads.

    An infer request serves one call at a time, so calls from several threads (the bot's
    question batches and a rebuild in the same process) take turns; on two cores running
    them side by side would not be faster anyway.
    """

    def __init__(self, graph_path: Path, threads: int) -> None:
        import openvino

        core = openvino.Core()
        config = {
            "INFERENCE_PRECISION_HINT": PRECISION,
            "INFERENCE_NUM_THREADS": threads,
            "PERFORMANCE_HINT": "LATENCY",  # one request at a time, every thread on it
        }
        # Resolved: OpenVINO reads the weights file only from the graph's own folder, and a
        # model directory may be a link to the installed one.
        self._compiled = core.compile_model(core.read_model(str(Path(graph_path).resolve())), "CPU", config)
        self._request = self._compiled.create_infer_request()
        self._output = self._compiled.outputs[0]
        self._lock = threading.Lock()

    def run(self, output_names, feeds: dict[str, np.ndarray]) -> list[np.ndarray]:
        """The graph's first output for these inputs, as onnxruntime's `run(None, feeds)` gives it."""
        with self._lock:
            result = self._request.infer(feeds)
            return [np.array(result[self._output], dtype=np.float32, copy=True)]
