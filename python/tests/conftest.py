"""Shared fixtures for the bridge's tests."""

import numpy as np
import pytest

import tessel


@pytest.fixture
def rng():
    """A seeded generator, so that failures reproduce."""
    return np.random.default_rng(20240607)

