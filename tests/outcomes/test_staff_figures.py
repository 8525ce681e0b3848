"""The shortlist's staff figures come through a registry that reports fills (outcomes may not
import reports)."""

import pytest

from outcomes.selectors import staff_figures as registry
from outcomes.selectors.shortlist import shortlist
from outcomes.selectors.staff_figures import StaffFigures, register_staff_figures, staff_figures
from reports.selectors.staff_figures import latest_staff_figures
from tests.factories import WaveFactory

pytestmark = pytest.mark.django_db


def test_reports_registers_the_latest_comparison_run_as_the_reader():
    assert registry._reader is latest_staff_figures
    assert staff_figures(WaveFactory()) is None  # no run computed yet


def test_the_shortlist_reads_whatever_reader_is_registered(monkeypatch):
    wave = WaveFactory()
    monkeypatch.setattr(registry, "_reader", None)
    assert staff_figures(wave) is None
    figures = StaffFigures(k=7, n_staff=30, computed_at=None)
    register_staff_figures(lambda w: figures if w == wave else None)
    data = shortlist(wave)
    assert data.figures is figures and data.k == 7 and data.n_staff == 30
