"""ResNet architectures by name: the course's ResNet-50 and smaller CPU-sized members.

Every architecture here has the same skeleton (lecture "ResNets", "Why ResNets work"):

    input (m, 64, 64, 3)
    -> ZeroPad p -> CONV f_s x f_s / stride s, n filters -> BN -> ReLU -> MAXPOOL 3x3 / 2   (stem)
    -> stage 2: convolutional block [F1, F2, F3] stride s2, then k2 identity blocks
    -> stage 3: ...
    -> AVGPOOL a x a -> flatten -> dense (num_classes) -> softmax                           (head)

A convolutional block is the three-layer bottleneck (1x1 -> f x f -> 1x1) with a projection
shortcut (1x1 conv + BN, same stride); an identity block is the same bottleneck with the input
added back unchanged. Only the stage list and a few widths change between architectures, so
one registry maps names to ``ResNetSpec`` and both implementations (``resnet_lowlevel`` and
``resnet_keras``) build from it.

``layer_shapes`` walks a spec over an input shape without TensorFlow: it gives every
block's output shape and raises a ``ValueError`` when an input is too small for the network
(a spatial size would drop below 1).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StageSpec:
    """One stage: a convolutional block with ``filters = (F1, F2, F3)`` and ``stride``, then
    ``identity_blocks`` identity blocks with the same filters."""

    filters: tuple[int, int, int]
    stride: int
    identity_blocks: int


@dataclass(frozen=True)
class ResNetSpec:
    """A whole network. Stage numbering starts at 2, as in the paper and the course (stage 1
    is the stem)."""

    name: str
    stages: tuple[StageSpec, ...]
    stem_filters: int = 64
    stem_kernel: int = 7
    stem_stride: int = 2
    stem_pad: int = 3
    pool_size: int = 3
    pool_stride: int = 2
    kernel_size: int = 3      # f of the middle conv of every bottleneck
    avg_pool: int = 2

    def describe(self) -> str:
        stages = "; ".join(
            f"stage {i + 2}: conv block {list(s.filters)} s={s.stride} + {s.identity_blocks} id"
            for i, s in enumerate(self.stages))
        return (f"{self.name}: pad {self.stem_pad} -> conv {self.stem_kernel}x{self.stem_kernel}"
                f"/{self.stem_stride} {self.stem_filters} -> BN -> ReLU -> maxpool "
                f"{self.pool_size}x{self.pool_size}/{self.pool_stride}; {stages}; avgpool "
                f"{self.avg_pool}x{self.avg_pool} -> flatten -> dense softmax")


ARCHITECTURES: dict[str, ResNetSpec] = {
    # The course's ResNet-50 (He et al. 2015, table 1, "50-layer"), for 64x64x3 SIGNS images.
    "resnet50": ResNetSpec(
        name="resnet50",
        stages=(StageSpec((64, 64, 256), 1, 2),
                StageSpec((128, 128, 512), 2, 3),
                StageSpec((256, 256, 1024), 2, 5),
                StageSpec((512, 512, 2048), 2, 2)),
    ),
    # The default CPU-sized network: the same blocks, three stages, a quarter of the widths.
    "resnet_mini": ResNetSpec(
        name="resnet_mini",
        stem_filters=16,
        stages=(StageSpec((16, 16, 64), 1, 1),
                StageSpec((32, 32, 128), 2, 1),
                StageSpec((64, 64, 256), 2, 1)),
    ),
    # For tests and --quick: two stages, one identity block each.
    "resnet_tiny": ResNetSpec(
        name="resnet_tiny",
        stem_filters=8,
        stages=(StageSpec((8, 8, 32), 1, 1),
                StageSpec((16, 16, 64), 2, 1)),
    ),
}


def get_architecture(name: str) -> ResNetSpec:
    """The registered ``ResNetSpec`` called ``name``; a ``ValueError`` lists the known names."""
    if isinstance(name, ResNetSpec):
        return name
    if name not in ARCHITECTURES:
        raise ValueError(f"unknown architecture {name!r}; choose one of {sorted(ARCHITECTURES)}")
    return ARCHITECTURES[name]


def block_names(spec: ResNetSpec) -> list[tuple[str, str, StageSpec]]:
    """``(prefix, kind, stage)`` for every residual block in order, e.g.
    ``("stage2/block1", "conv", ...)``, ``("stage2/block2", "identity", ...)``."""
    out = []
    for i, stage in enumerate(spec.stages):
        number = i + 2
        out.append((f"stage{number}/block1", "conv", stage))
        for j in range(stage.identity_blocks):
            out.append((f"stage{number}/block{j + 2}", "identity", stage))
    return out


def _conv_size(n: int, f: int, stride: int, pad: int = 0) -> int:
    """floor((n + 2 pad - f) / stride) + 1, the lecture's output-size formula."""
    return (n + 2 * pad - f) // stride + 1


def _same_size(n: int, stride: int) -> int:
    """'same' padding: ceil(n / stride)."""
    return -(-n // stride)


def layer_shapes(spec: ResNetSpec, input_shape: tuple[int, int, int],
                 num_classes: int) -> list[tuple[str, tuple[int, ...]]]:
    """Output shape (without the batch axis) after the stem, every block and the head.

    input_shape: (n_H, n_W, n_C). Raises ``ValueError`` for a malformed input shape or one too
    small for ``spec`` (naming the layer where a spatial size drops below 1).
    """
    if len(tuple(input_shape)) != 3 or any(int(d) < 1 for d in input_shape):
        raise ValueError(f"input_shape must be (height, width, channels) with positive sizes, "
                         f"got {tuple(input_shape)}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2, got {num_classes}")
    n_H, n_W, n_C = (int(d) for d in input_shape)
    shapes: list[tuple[str, tuple[int, ...]]] = []

    def record(name: str, h: int, w: int, c: int) -> None:
        if h < 1 or w < 1:
            raise ValueError(
                f"input of shape {tuple(input_shape)} is too small for {spec.name}: the output "
                f"of {name} would be {h}x{w}. Use larger images or a shallower architecture.")
        shapes.append((name, (h, w, c)))

    h = _conv_size(n_H, spec.stem_kernel, spec.stem_stride, spec.stem_pad)
    w = _conv_size(n_W, spec.stem_kernel, spec.stem_stride, spec.stem_pad)
    record("stem/conv", h, w, spec.stem_filters)
    h, w = _conv_size(h, spec.pool_size, spec.pool_stride), _conv_size(w, spec.pool_size, spec.pool_stride)
    record("stem/maxpool", h, w, spec.stem_filters)
    for prefix, kind, stage in block_names(spec):
        if kind == "conv":
            # 1x1 'valid' conv with stride s: floor((n - 1) / s) + 1 == ceil(n / s)
            h, w = _same_size(h, stage.stride), _same_size(w, stage.stride)
        record(prefix, h, w, stage.filters[2])
    c = spec.stages[-1].filters[2]
    h, w = _conv_size(h, spec.avg_pool, spec.avg_pool), _conv_size(w, spec.avg_pool, spec.avg_pool)
    record("head/avgpool", h, w, c)
    shapes.append(("head/flatten", (h * w * c,)))
    shapes.append(("head/logits", (num_classes,)))
    return shapes
