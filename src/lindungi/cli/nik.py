"""`lindungi nik check`: is a NIK well formed, and does it match a birth date and sex?"""

from __future__ import annotations

from datetime import date

import click
from django.utils import timezone

from lindungi.cli import emit, main
from lindungi.core.errors import ValidationError
from lindungi.reference.models import dotted
from lindungi.registry import rules


def _iso_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' bukan tanggal YYYY-MM-DD (not a date)") from None


def _check(nik: str, *, birth_date: date | None, sex: str | None) -> dict[str, object]:
    """The verdict as the JSON object the command prints."""
    from lindungi.reference import selectors as reference  # read at call time: tests patch it

    codes = reference.district_codes_for_nik()
    if not codes:  # every NIK would read "region unknown": say what is really wrong
        raise click.ClickException(
            "Data wilayah belum dimuat (no region reference data loaded in this database)"
        )
    verdict: dict[str, object] = {"valid": False, "reason": ""}
    verdict |= {"region_code": None, "birth_date": None, "sex": None}
    try:
        info = rules.parse_nik(nik, region_known=codes.__contains__, today=timezone.localdate())
        verdict |= {
            "region_code": dotted(info.region_code),
            "birth_date": info.birth_date.isoformat(),
            "sex": info.sex,
        }
        rules.check_nik_matches(info, birth_date=birth_date, sex=sex, strict=True)
    except ValidationError as exc:
        verdict["reason"] = "; ".join(m for messages in exc.errors.values() for m in messages)
        return verdict
    verdict["valid"] = True
    return verdict


@main.group()
def nik() -> None:
    """Nomor Induk Kependudukan (national ID number)."""


@nik.command("check")
@click.argument("number", metavar="NIK")
@click.option("--birth-date", callback=_iso_date, help="Tanggal lahir di data, YYYY-MM-DD.")
@click.option("--sex", type=click.Choice(["L", "P"], case_sensitive=False), help="L atau P.")
@click.option("--json", "as_json", is_flag=True, help="Keluaran JSON (machine-readable).")
def check(number: str, birth_date: date | None, sex: str | None, as_json: bool) -> None:
    """Periksa NIK: wilayah, tanggal lahir, jenis kelamin, nomor urut. Exit 1 if invalid."""
    verdict = _check(number, birth_date=birth_date, sex=sex.upper() if sex else None)

    def human() -> None:
        if verdict["valid"]:
            click.echo(
                f"NIK valid: wilayah {verdict['region_code']}, lahir {verdict['birth_date']},"
                f" jenis kelamin {verdict['sex']}"
            )
        else:
            click.echo(f"NIK tidak valid (invalid): {verdict['reason']}")

    emit(verdict, as_json=as_json, human=human)
    if not verdict["valid"]:
        raise SystemExit(1)
