"""The vocabulary applicability is decided in: every built-in word has the phrase reasons are written with, and an
unknown word is refused with a suggestion."""
from __future__ import annotations

import pytest

from generator.model.profile import BUILT_IN, OPERATION_PHRASES, SITE_PHRASES, Operation, SiteFeature, Vocabulary


def test_every_word_has_its_phrase():
    assert set(SITE_PHRASES) == set(SiteFeature) and set(OPERATION_PHRASES) == set(Operation)
    assert len(BUILT_IN) == len(SiteFeature) + len(Operation)


def test_an_unknown_word_is_refused_with_a_suggestion():
    with pytest.raises(ValueError, match="'cctvs' is not a site feature or an operation; did you mean 'cctv'"):
        Vocabulary().word("cctvs")
