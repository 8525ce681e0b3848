"""The export CSV and the two commands analysts use."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line

from poet.models import Organisation
from reports.models import ComparisonRun
from reports.services.downloads import download_comparison
from tests.reports.builders import build_wave

pytestmark = pytest.mark.django_db

HEADER = (
    "outcome,measure,breakdown,group,n_staff,mean_staff,sd_staff,median_staff,pct_positive_staff,"
    "n_users,mean_users,sd_users,median_users,pct_positive_users,mean_diff,ci_low,ci_high,"
    "u_statistic,p_value,q_value,cliffs_delta,flag,suppressed,suppression"
)
FIGURES = HEADER.split(",")[4:-3]


def run_command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def export(tmp_path, wave) -> list[dict[str, str]]:
    path = tmp_path / "comparison.csv"
    run_command("export_comparison", wave.partnership.slug, wave.slug, "--output", str(path))
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == HEADER
    return list(csv.DictReader(io.StringIO(text)))


def test_run_then_export_gives_one_row_per_outcome_measure_and_group(tmp_path):
    built = build_wave(outcomes=3, staff=14, users=8, carers=2, k=5)
    wave = built.wave
    Organisation.objects.filter(pk=built.organisations[0].pk).update(name="=HYPERLINK(1)")
    Organisation.objects.filter(pk=built.organisations[1].pk).update(name="-Minus trust")
    summary = run_command("run_comparison", wave.partnership.slug, wave.slug, "--resamples", "100")
    assert "computed" in summary and "14 staff, 10 service users and carers" in summary

    rows = export(tmp_path, wave)
    run = ComparisonRun.objects.get()
    assert len(rows) == run.rows.count() == 3 * 2 * (1 + 2 + 2 + 2)
    keys = [(r["outcome"], r["measure"], r["breakdown"]) for r in rows]
    assert keys[:7] == [
        ("O-0", "importance", b)
        for b in [
            "all",
            "organisation",
            "organisation",
            "staff_group",
            "staff_group",
            "audience",
            "audience",
        ]
    ]
    assert {r["group"] for r in rows if r["breakdown"] == "organisation"} == {
        "'=HYPERLINK(1)",
        "'-Minus trust",
    }
    carers = [r for r in rows if r["group"] == "carer"]
    assert carers and all(r["suppressed"] == "true" for r in carers)  # 2 carers < k
    for row in rows:
        assert row["suppressed"] in {"true", "false"}
        if row["suppressed"] == "true":
            assert all(row[c] == "" for c in FIGURES) and row["flag"] == ""
        else:
            assert 0 <= float(row["pct_positive_staff"]) <= 100
            assert 0 <= float(row["pct_positive_users"]) <= 100
            assert int(row["n_staff"]) >= 5
    diffs = [r["mean_diff"] for r in rows if r["mean_diff"].startswith("-")]
    assert diffs, "some staff rated an outcome higher than users"
    assert all(float(d) < 0 for d in diffs)  # numbers are never neutralised


def test_running_again_on_the_same_answers_reuses_the_run():
    wave = build_wave().wave
    run_command("run_comparison", wave.partnership.slug, wave.slug, "--resamples", "50")
    again = run_command("run_comparison", wave.partnership.slug, wave.slug, "--resamples", "50")
    assert "reused" in again
    assert ComparisonRun.objects.count() == 1


def test_run_comparison_fails_with_the_reason():
    wave = build_wave(staff=0, users=6).wave
    with pytest.raises(CommandError, match="no answers from staff yet"):
        run_command("run_comparison", wave.partnership.slug, wave.slug)
    with pytest.raises(CommandError, match='No wave "nope"'):
        run_command("run_comparison", wave.partnership.slug, "nope")


def test_export_without_a_run_says_so(tmp_path):
    wave = build_wave().wave
    with pytest.raises(CommandError, match="no finished comparison run yet"):
        run_command(
            "export_comparison", wave.partnership.slug, wave.slug, "--output", str(tmp_path / "x")
        )
    assert not (tmp_path / "x").exists()


def test_commands_exit_non_zero_from_the_command_line(capsys, monkeypatch):
    from django.core.management import base

    # run_from_argv closes the connections at the end, which would end the test's transaction.
    monkeypatch.setattr(base.connections, "close_all", lambda: None)
    wave = build_wave(staff=0, users=6).wave
    for argv in (
        ["manage.py", "run_comparison", wave.partnership.slug, wave.slug],
        ["manage.py", "export_comparison", wave.partnership.slug, wave.slug, "--output", "-"],
    ):
        with pytest.raises(SystemExit) as exit_:
            execute_from_command_line(argv)
        assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "no answers from staff yet" in err
    assert "no finished comparison run yet" in err


def test_the_commands_write_their_audit_entries_through_the_services(tmp_path):
    """`run_comparison` starts its run as the page does (a `comparison.started` entry, no actor),
    and `export_comparison` writes the same file as the page's CSV (the exporter registry)."""
    built = build_wave(outcomes=2, staff=12, users=6, carers=0, k=5)
    wave = built.wave
    run_command("run_comparison", wave.partnership.slug, wave.slug, "--resamples", "50")
    events = wave.partnership.audit_events
    started = events.get(action="comparison.started")
    assert started.actor is None
    assert started.detail["resamples"] == 50 and started.detail["wave"] == wave.slug
    run = ComparisonRun.objects.get()
    assert started.detail["job"] == run.job_id

    path = tmp_path / "comparison.csv"
    run_command("export_comparison", wave.partnership.slug, wave.slug, "--output", str(path))
    assert events.filter(action="comparison.exported", detail__via="command").count() == 1
    assert download_comparison(run, actor=None) == path.read_bytes()
    assert events.filter(action="comparison.downloaded").count() == 1
