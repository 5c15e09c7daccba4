"""Helpers the package's kernels import relatively."""

from dataclasses import dataclass

PARTITIONS = 128


@dataclass(frozen=True)
class Tiling:
    """How many rows a kernel handles per tile."""

    rows: int = PARTITIONS


def tile_count(rows, tiling):
    return (rows + tiling.rows - 1) // tiling.rows
