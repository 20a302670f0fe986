"""TEST STAND-IN for runnable (AstraZeneca/runnable) -- not the real library.

Tests put this folder on PYTHONPATH only when the real runnable is not importable. It implements just
what the fixture pipelines use, for RETRY only (see ../README.md).
"""
from runnable.sdk import (AsyncPipeline, AsyncPythonTask, Catalog, Conditional, Loop, Map, NotebookTask, Parallel, Pipeline, PythonJob,
                          PythonTask, ShellTask, Stub, metric, pickled)

__all__ = ["AsyncPipeline", "AsyncPythonTask", "Catalog", "Conditional", "Loop", "Map", "NotebookTask", "Parallel", "Pipeline", "PythonJob", "PythonTask",
           "ShellTask", "Stub", "metric", "pickled"]
STANDIN = True
