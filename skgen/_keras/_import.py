"""Import Keras (and its backend) once, quietly."""

import contextlib
import os
import sys


@contextlib.contextmanager
def silence_native_stderr():
    """Send file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow's C++ runtime writes start-up and XLA messages straight to the
    file descriptor, bypassing ``sys.stderr`` and ignoring
    ``TF_CPP_MIN_LOG_LEVEL`` for the lines it prints while importing.
    """
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real stderr (e.g. some notebooks)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_KERAS = None


def import_keras():
    """Return the ``keras`` module, importing it without log noise."""
    global _KERAS
    if _KERAS is None:
        # Only quiets TensorFlow's C++ logging; a user's own setting wins.
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        with silence_native_stderr():
            import keras

            if keras.backend.backend() == "tensorflow":
                import tensorflow as tf

                tf.get_logger().setLevel("ERROR")
                tf.autograph.set_verbosity(0)
        _KERAS = keras
    return _KERAS
