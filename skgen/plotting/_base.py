"""What the Displays share: axes, image grids, input checks and class colours.

Nothing here imports matplotlib at module level: ``import skgen.plotting``
stays cheap, and matplotlib loads on the first ``plot``.
"""

from numbers import Integral

import numpy as np

POSITIVE_COLOR = "tab:red"


def _get_axes(ax, figsize=None):
    """``(figure, ax)``: the given axes, or new ones when ``ax`` is None."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax.figure, ax


def _image_grid(ax, n_panels, n_cols):
    """Split ``ax`` (new axes if None) into a grid of image panels.

    The panels are inset axes of ``ax``, so any single axes can hold the
    grid and the Display keeps one ``ax_`` like the others.  Returns
    ``(figure, ax, panels)``, the panels in row-major order.
    """
    n_cols = min(n_cols, n_panels)
    n_rows = -(-n_panels // n_cols)
    figure, ax = _get_axes(ax, figsize=(1.1 * n_cols + 0.6, 1.1 * n_rows + 0.4))
    ax.set_axis_off()
    margin = 0.04  # of a cell, so that neighbouring images do not touch
    width, height = 1 / n_cols, 1 / n_rows
    panels = []
    for i in range(n_panels):
        row, col = divmod(i, n_cols)
        bounds = [
            (col + margin) * width,
            1 - (row + 1 - margin) * height,
            (1 - 2 * margin) * width,
            (1 - 2 * margin) * height,
        ]
        panel = ax.inset_axes(bounds)
        panel.set_xticks([])
        panel.set_yticks([])
        panels.append(panel)
    return figure, ax, panels


def _shared_color_limits(*image_sets):
    """``vmin``, ``vmax`` over all images, so that panels compare honestly."""
    return (
        min(float(np.min(images)) for images in image_sets),
        max(float(np.max(images)) for images in image_sets),
    )


def _check_positive_int(value, name):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def _check_image_shape(image_shape, n_features, name):
    """``image_shape`` as a tuple ``(height, width)`` matching ``n_features``."""
    shape = tuple(image_shape)
    if len(shape) != 2 or not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s > 0 for s in shape
    ):
        raise ValueError(
            f"image_shape must be (height, width) with positive integers, "
            f"got {image_shape!r}."
        )
    if shape[0] * shape[1] != n_features:
        raise ValueError(
            f"image_shape={shape} holds {shape[0] * shape[1]} pixels, but {name} "
            f"has {n_features} features."
        )
    return shape


def _check_row(row, name):
    """One row of features as a 1-D float array (a 2-D single row is accepted)."""
    row = np.asarray(row, dtype=np.float64)
    if row.ndim == 2 and row.shape[0] == 1:
        row = row[0]
    if row.ndim != 1:
        raise ValueError(
            f"{name} must be one row of features, got an array of shape {row.shape}."
        )
    return row


def _class_styles(y, pos_label=None, display_labels=None):
    """``[(class, label, colour), ...]`` in drawing order.

    The positive class is red and comes last, so that it is drawn on top of
    the (usually far more numerous) other rows.  Without ``pos_label``,
    labels {0, 1} or {-1, 1} make 1 positive, as in scikit-learn; other
    labels get no highlighted class.
    """
    import matplotlib as mpl

    classes = np.unique(y)
    if display_labels is None:
        display_labels = [str(c) for c in classes]
    elif len(display_labels) != len(classes):
        raise ValueError(
            f"display_labels has {len(display_labels)} entries, but y has "
            f"{len(classes)} classes {classes.tolist()}."
        )
    if pos_label is None:
        if len(classes) == 2 and set(classes.tolist()) in ({0, 1}, {-1, 1}):
            pos_label = 1
    elif pos_label not in classes:
        raise ValueError(
            f"pos_label={pos_label!r} is not a class of y; its classes are "
            f"{classes.tolist()}."
        )

    palette = mpl.colormaps["tab10" if len(classes) <= 10 else "tab20"].colors
    if pos_label is not None:
        # Red is kept for the positive class alone.
        red = mpl.colors.to_rgb(POSITIVE_COLOR)
        palette = [c for c in palette if not np.allclose(c, red)]
    others, positive = [], []
    for cls, label in zip(classes, display_labels):
        if pos_label is not None and cls == pos_label:
            positive.append((cls, label, POSITIVE_COLOR))
        else:
            others.append((cls, label, palette[len(others) % len(palette)]))
    return others + positive
