"""Company names a document defines for itself (pipelines/extract/entities.py)."""

from __future__ import annotations

import pytest

from pipelines.extract.entities import DocumentNames, discover, might_name_company
from pipelines.extract.gazetteer import Gazetteer


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def names(gaz: Gazetteer, text: str, title: str | None = None) -> list[str]:
    return [co.name for _, _, co in DocumentNames(gaz, text, title).find(text)]


def test_unknown_companies_from_suffix_listing_about_and_appositive(gaz):
    text = (
        "Orbisant Compute Ltd. will supply Cohere with GPUs.\n"
        "Pellmoor Systems (NASDAQ: PLMR) said it would add capacity.\n"
        "Yarrowind Labs, a start-up building robot models, will rent the cluster.\n"
        "About Tamsin Grid\n"
        "Tamsin Grid builds data centers."
    )
    found = {ln.company.name: ln.company.role for ln in discover(text, gaz)[0]}
    assert found["Orbisant Compute"] == "neocloud"
    assert "Pellmoor Systems" in found
    assert found["Yarrowind Labs"] == "ai_lab"
    assert "Tamsin Grid" in found


def test_known_companies_and_exchanges_are_not_new_names(gaz):
    text = (
        "CoreWeave, Inc. and Meta Platforms, Inc. signed. Class A shares trade on The Nasdaq "
        "Stock Market LLC."
    )
    assert discover(text, gaz)[0] == []


def test_short_form_and_capitals_of_an_unknown_company(gaz):
    text = (
        "Orbisant Compute Ltd. signed with Cohere. Orbisant will deploy the GPUs.\n"
        "ORBISANT COMPUTE WINS COHERE"
    )
    orb = "Orbisant Compute"
    assert names(gaz, text) == [orb, "Cohere", orb, orb, "Cohere"]


def test_short_form_that_is_a_common_word_is_not_used(gaz):
    text = "Summit Cloud, Inc. signed with Cohere. The summit of the hill is high. Summit rose."
    assert names(gaz, text) == ["Summit Cloud", "Cohere"]


def test_defined_terms_resolve_the_company_and_skip_the_definition(gaz):
    text = (
        'On May 4, 2026, Vexlar Systems, Inc. (the "Company") entered into an agreement with '
        'Microsoft Corporation ("Customer"). Customer will buy capacity from the Company.'
    )
    assert names(gaz, text) == ["Vexlar Systems", "Microsoft", "Microsoft", "Vexlar Systems"]


def test_registrant_caption_defines_the_company(gaz):
    text = (
        "FORM 8-K\nNebius Group N.V.\n(Exact name of registrant as specified in its charter)\n"
        "The Company entered into an order form with Meta."
    )
    assert names(gaz, text) == ["Nebius", "Nebius", "Meta"]


def test_might_name_company_is_a_superset_of_discover(gaz):
    for text in (
        "Orbisant Compute Ltd. signed.",
        "Yarrowind Labs, a start-up building robot models, signed.",
        "About Tamsin Grid\nTamsin Grid builds.",
        "Pellmoor Systems (NASDAQ: PLMR) signed.",
    ):
        assert discover(text, gaz)[0]
        assert might_name_company(text)
    assert not might_name_company("the weather was mild all week")
