"""Import Keras (and its backend) once, quietly."""

import contextlib
import json
import os
import sys
import threading

# File descriptor 2 is process-wide, so its redirection is too: the first
# thread to enter `silence_native_stderr` points fd 2 at /dev/null, the last
# one to leave points it back at the original.  Saving and restoring it per
# call would let overlapping calls (fits in threads, a threading-backend grid
# search) restore each other's /dev/null and lose stderr for good.
_STDERR_LOCK = threading.Lock()
_stderr_silencers = 0
_saved_stderr = None


@contextlib.contextmanager
def silence_native_stderr():
    """Send file descriptor 2 to /dev/null for the duration of the block.

    TensorFlow's C++ runtime writes start-up and XLA messages straight to the
    file descriptor, bypassing ``sys.stderr`` and ignoring
    ``TF_CPP_MIN_LOG_LEVEL`` for the lines it prints while importing.

    Safe to use from several threads at once: fd 2 is redirected while at
    least one block is active and restored when the last one exits.  Other
    threads' stderr output is lost meanwhile, so callers keep the blocks
    short (imports and compilations).
    """
    global _stderr_silencers, _saved_stderr
    with _STDERR_LOCK:
        if _stderr_silencers == 0:
            try:
                sys.stderr.flush()
                saved = os.dup(2)
            except (OSError, ValueError):  # no real stderr (e.g. some notebooks)
                saved = None
            if saved is not None:
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                os.close(devnull)
            _saved_stderr = saved
        _stderr_silencers += 1
    try:
        yield
    finally:
        with _STDERR_LOCK:
            _stderr_silencers -= 1
            if _stderr_silencers == 0 and _saved_stderr is not None:
                os.dup2(_saved_stderr, 2)
                os.close(_saved_stderr)
                _saved_stderr = None


def _thread_limit():
    """The threads this process was given by ``OMP_NUM_THREADS``, or None.

    joblib's process-based workers (loky, as in ``GridSearchCV(n_jobs=2)``)
    run with ``OMP_NUM_THREADS`` set to their share of the cores, and users
    set it to the same end; BLAS and OpenMP honour it, TensorFlow does not.
    """
    try:
        limit = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        return None
    return limit if limit > 0 else None


def _limit_tensorflow_threads(tf):
    """Size TensorFlow's thread pools to `_thread_limit`, when there is one.

    Otherwise every worker of a parallel search starts pools as large as the
    machine, and two workers on two cores run four busy threads that evict
    each other (the search ran slower than with ``n_jobs=1``).  The pools
    can only be sized before TensorFlow runs its first operation: if the
    caller's code already ran one, they are left as they are.
    """
    limit = _thread_limit()
    if limit is None:
        return
    try:
        tf.config.threading.set_intra_op_parallelism_threads(limit)
        tf.config.threading.set_inter_op_parallelism_threads(limit)
    except RuntimeError:  # TensorFlow's runtime was already initialised
        pass


def configured_backend():
    """The name of the backend Keras uses, or will use, in this process.

    Read without importing Keras, as Keras itself reads it when imported:
    ``KERAS_BACKEND``, else the ``"backend"`` of ``keras.json`` in
    ``KERAS_HOME`` (by default ``~/.keras``, or ``/tmp/.keras`` when the home
    directory is read-only), else ``"tensorflow"``.  Once Keras is imported,
    its own answer.
    """
    keras = sys.modules.get("keras")
    try:
        return keras.backend.backend()
    except AttributeError:  # not imported (None), or still being imported
        pass
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"]
    home = os.environ.get("KERAS_HOME")
    if home is None:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    try:
        with open(os.path.join(os.path.expanduser(home), "keras.json")) as file:
            return json.load(file).get("backend", "tensorflow")
    except (OSError, ValueError, AttributeError):  # none, unreadable, not a dict
        return "tensorflow"


_KERAS = None
_IMPORT_LOCK = threading.Lock()
_BACKEND_PACKAGES = ("keras", "tensorflow")


def _half_imported_packages():
    """Backend packages whose import started in this process but never finished.

    Python imports a package before its submodules and, when the package's
    own import raises (a ``KeyboardInterrupt`` included), removes the package
    from ``sys.modules`` but keeps the submodules it had loaded.  A submodule
    without its package is therefore the trace of an interrupted import.
    TensorFlow cannot be imported again over it: its C++ registrations are
    already made, and a second attempt fails with obscure errors.
    """
    loaded = set(sys.modules)
    return [
        package
        for package in _BACKEND_PACKAGES
        if package not in loaded
        and any(name.startswith(package + ".") for name in loaded)
    ]


def import_keras():
    """Return the ``keras`` module, importing it without log noise.

    Raises
    ------
    RuntimeError
        When an earlier import of Keras or TensorFlow in this process was
        interrupted (e.g. by Ctrl-C): only a new Python process can import
        them again.
    """
    global _KERAS
    if _KERAS is not None:
        return _KERAS
    with _IMPORT_LOCK:  # one thread imports, the others wait for it
        if _KERAS is None:
            broken = _half_imported_packages()
            if broken:
                raise RuntimeError(
                    f"An earlier import of {' and '.join(broken)} in this Python "
                    "process was interrupted (e.g. by Ctrl-C) and left "
                    "half-imported; it cannot be imported again. Restart the "
                    "Python process (in a notebook, restart the kernel)."
                )
            # Only quiets TensorFlow's C++ logging; a user's own setting wins.
            os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
            with silence_native_stderr():
                import keras

                if keras.backend.backend() == "tensorflow":
                    import tensorflow as tf

                    tf.get_logger().setLevel("ERROR")
                    tf.autograph.set_verbosity(0)
                    _limit_tensorflow_threads(tf)
            _KERAS = keras
    return _KERAS
