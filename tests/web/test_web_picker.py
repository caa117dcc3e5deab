"""The chained village picker offers only regions inside (or leading into) the user's scope."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client

from lindungi.accounts.models import User


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    return [v for v in re.findall(r'<option value="(\d*)"', select.group(0)) if v]


def chosen(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select, name
    found = re.search(r'<option value="(\d+)" selected>', select.group(0))
    return found.group(1) if found else ""


def test_branch_officer_sees_only_their_regency(
    client_as: Callable[[User], Client], branch_officer_kukar: User
) -> None:
    html = client_as(branch_officer_kukar).get("/regions/picker/").content.decode()
    assert options(html, "province") == ["64"]
    assert options(html, "regency") == ["6402"]
    assert (chosen(html, "province"), chosen(html, "regency")) == ("64", "6402")
    districts = options(html, "district")
    assert "640201" in districts
    assert all(code.startswith("6402") for code in districts)
    assert options(html, "village_code") == []


def test_village_officer_has_their_village_chosen(
    client_as: Callable[[User], Client], village_officer_sungai_raya: User
) -> None:
    html = client_as(village_officer_sungai_raya).get("/regions/picker/").content.decode()
    assert options(html, "village_code") == ["6112012001"]
    assert chosen(html, "village_code") == "6112012001"


def test_choosing_a_district_lists_its_villages(
    client_as: Callable[[User], Client], admin: User
) -> None:
    params = {"province": "64", "regency": "6402", "district": "640201"}
    html = client_as(admin).get("/regions/picker/", params).content.decode()
    assert len(options(html, "province")) == 38
    villages = options(html, "village_code")
    assert "6402012001" in villages
    assert all(code.startswith("640201") for code in villages)


@pytest.mark.parametrize(
    "params",
    [
        {"province": "61", "regency": "6112", "district": "611201"},
        {"province": "64", "regency": "6112", "district": "611201"},
    ],
)
def test_out_of_scope_choices_are_dropped(
    client_as: Callable[[User], Client], branch_officer_kukar: User, params: dict[str, str]
) -> None:
    html = client_as(branch_officer_kukar).get("/regions/picker/", params).content.decode()
    assert chosen(html, "regency") == "6402"
    assert chosen(html, "district") == ""
    assert "611201" not in options(html, "district")


def test_a_changed_parent_resets_the_levels_below(
    client_as: Callable[[User], Client], admin: User
) -> None:
    params = {"province": "61", "regency": "6402", "district": "640201"}
    html = client_as(admin).get("/regions/picker/", params).content.decode()
    assert chosen(html, "province") == "61"
    assert chosen(html, "regency") == ""
    assert options(html, "district") == []
