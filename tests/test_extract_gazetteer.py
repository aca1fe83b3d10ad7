"""The company gazetteer (dbt_project/seeds/companies.csv) and alias matching."""

from pathlib import Path

import pytest

from pipelines.extract.gazetteer import ROLES, Gazetteer, GazetteerError


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.load()


def names(gaz: Gazetteer, text: str) -> list[str]:
    return [co.name for _, _, co in gaz.find(text)]


def test_seed_has_the_market_and_canonical_names(gaz):
    assert len(gaz) >= 45
    for name in ["Meta", "Microsoft", "Google", "Amazon", "Oracle", "OpenAI", "Anthropic",
                 "Nvidia", "AMD", "CoreWeave", "Nebius", "IREN", "Lambda", "Nscale",
                 "Applied Digital", "Scale AI", "Core Scientific"]:  # fmt: skip
        assert name in gaz
    assert {c.role for c in gaz.companies} == set(ROLES)
    assert gaz.get("CoreWeave").cik == 1769628
    assert gaz.get("Meta").cik == 1326801
    assert gaz.role("Azure") == "hyperscaler"
    assert gaz.role("Nebius") == "neocloud"
    assert gaz.role("AMD") == "chipmaker"
    assert gaz.role("Anthropic") == "ai_lab"


def test_aliases_map_to_canonical_names(gaz):
    text = "Amazon Web Services, AWS, Google Cloud, Alphabet, OCI, Facebook parent and Azure"
    assert names(gaz, text) == ["Amazon", "Amazon", "Google", "Google", "Oracle", "Meta",
                                "Microsoft"]  # fmt: skip


def test_longest_alias_wins_and_hits_do_not_overlap(gaz):
    hits = gaz.find("Microsoft Azure and Oracle Cloud Infrastructure")
    assert [(s, e) for s, e, _ in hits] == [(0, 15), (20, 47)]


def test_case_rules_avoid_false_hits(gaz):
    assert names(gaz, "metadata, meta-analysis, the meta layer") == []
    assert names(gaz, "Meta signed; META SIGNS") == ["Meta", "Meta"]
    assert names(gaz, "AMD and NVIDIA and Nvidia") == ["AMD", "Nvidia", "Nvidia"]
    assert names(gaz, "amd is lower case") == []
    assert names(gaz, "ideas cohere; an oracle spoke") == []
    assert names(gaz, "Coreweave misspelt") == ["CoreWeave"]
    assert names(gaz, "explainable XAI models") == []
    assert names(gaz, "xAI raised money") == ["xAI"]


def test_word_boundaries(gaz):
    assert names(gaz, "Intelligence and Metaverse and Oracles") == []
    assert names(gaz, "(Nebius) and Nebius's") == ["Nebius", "Nebius"]


def test_blocked_phrases(gaz):
    assert names(gaz, "AWS Lambda functions") == ["Amazon"]
    assert names(gaz, "a Lambda function") == []
    assert names(gaz, "Lambda signed a deal") == ["Lambda"]


def _write(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "companies.csv"
    p.write_text("company,role,ticker,cik,aliases\n" + body, encoding="utf-8")
    return p


def test_bad_rows_name_file_line_and_field(tmp_path):
    p = _write(tmp_path, "Acme,neocloud,,,\nBadCo,cloud,,,\n")
    with pytest.raises(GazetteerError, match=r"companies\.csv:3: field 'role'"):
        Gazetteer.load(p)
    p = _write(tmp_path, "Acme,neocloud,,12x,\n")
    with pytest.raises(GazetteerError, match=r":2: field 'cik'"):
        Gazetteer.load(p)
    p = _write(tmp_path, "Acme,neocloud,,,\nAcme,other,,,\n")
    with pytest.raises(GazetteerError, match=r":3: field 'company'"):
        Gazetteer.load(p)
    p = _write(tmp_path, "Acme,neocloud,,\n")
    with pytest.raises(GazetteerError, match=r":2: expected 5 fields"):
        Gazetteer.load(p)


def test_custom_gazetteer_loads(tmp_path):
    p = _write(tmp_path, "Acme Cloud,neocloud,ACME,123,Acme|AcmeCo\nBigLab,ai_lab,,,\n")
    g = Gazetteer.load(p)
    assert [c.name for _, _, c in g.find("BigLab rents from Acme")] == ["BigLab", "Acme Cloud"]
    assert g.get("AcmeCo").cik == 123
    with pytest.raises(KeyError):
        g.role("Nobody")
