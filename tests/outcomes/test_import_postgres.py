"""The import on real PostgreSQL, where answers go in by COPY: a file of about 20,000 rows."""

import io
import time

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from outcomes.models import Participant, ParticipantResponse
from outcomes.services.imports import ImportRefused, import_answers
from surveys.models import Answer, Response

MEASURES = ("importance", "achievement")
PROCESS = [f"P-TRUST-{i}" for i in range(1, 5)]


def generate_csv(staff: int, users: int, outcomes: int, seed: int = 1) -> tuple[bytes, dict]:
    """A DESIGN §5 file: each staff member answers every outcome measure and the process items;
    each service user or carer every outcome measure and one free-text item. About 1 in 10
    Likert answers is "don't know" (DK or empty)."""
    rng = np.random.default_rng(seed)
    codes = [f"O-GEN{i:02d}.{m}" for i in range(outcomes) for m in MEASURES]
    staff_items = codes + PROCESS
    user_items = [*codes, "OWN-WORDS"]
    orgs = np.array(["Council", "Hospital", 'Hope "Together", CIC'])
    groups = np.array(["Nurse", "Social worker", "GP"])
    user_groups = np.array(["Older people", "Disabled children"])

    def likert(n: int) -> np.ndarray:
        values = rng.integers(1, 6, n).astype(str).astype(object)
        values[rng.random(n) < 0.05] = "DK"
        values[rng.random(n) < 0.05] = ""
        return values

    s_ids = np.repeat([f"s{i}" for i in range(staff)], len(staff_items))
    s_org = np.repeat(orgs[np.arange(staff) % len(orgs)], len(staff_items))
    s_grp = np.repeat(groups[np.arange(staff) % len(groups)], len(staff_items))
    s_item = np.tile(staff_items, staff)
    u_ids = np.repeat([f"P-{i:04d}" for i in range(users)], len(user_items))
    u_aud = np.repeat(np.where(np.arange(users) % 3 == 0, "carer", "service_user"), len(user_items))
    u_grp = np.repeat(user_groups[np.arange(users) % 2], len(user_items))
    u_item = np.tile(user_items, users)
    u_value = likert(len(u_item))
    u_value[u_item == "OWN-WORDS"] = 'Seeing the same person,\n"every time"'

    frame = pd.DataFrame(
        {
            "respondent": np.concatenate([s_ids, u_ids]),
            "audience": np.concatenate([np.full(len(s_ids), "staff"), u_aud]),
            "organisation": np.concatenate([s_org, np.full(len(u_ids), "")]),
            "group": np.concatenate([s_grp, u_grp]),
            "item": np.concatenate([s_item, u_item]),
            "value": np.concatenate([likert(len(s_item)), u_value]),
        }
    )
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False)
    expected = {
        "rows": len(frame),
        "likert": int((frame["item"] != "OWN-WORDS").sum()),
        "dont_know": int(((frame["value"] == "") | (frame["value"] == "DK")).sum()),
        "sum": pd.to_numeric(frame["value"], errors="coerce").sum(),
    }
    return buffer.getvalue().encode("utf-8"), expected


@pytest.mark.postgres
def test_twenty_thousand_rows_on_postgres(postgres):
    data, expected = generate_csv(staff=400, users=100, outcomes=20)
    assert 20_000 < expected["rows"] < 22_000

    started = time.perf_counter()
    result = import_answers("gen", "one", data, create=True)
    seconds = time.perf_counter() - started

    assert (result.rows, result.answers) == (expected["rows"], expected["rows"])
    assert (result.staff, result.service_users + result.carers) == (400, 100)
    assert Response.objects.count() == 500
    assert Answer.objects.count() == expected["rows"]
    assert (
        Answer.objects.filter(dont_know=True, number__isnull=True).count()
        == (expected["dont_know"])
    )
    assert Answer.objects.filter(dont_know=True, number__isnull=False).count() == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT SUM(number) FROM surveys_answer")
        assert cursor.fetchone()[0] == pytest.approx(expected["sum"])
    texts = set(Answer.objects.filter(item__code="OWN-WORDS").values_list("text", flat=True))
    assert texts == {'Seeing the same person,\n"every time"'}
    assert Answer.objects.filter(choices__isnull=False).count() == 0
    assert Answer.objects.exclude(item__code="OWN-WORDS").exclude(text="").count() == 0
    staff_orgs = set(
        Response.objects.filter(audience="staff").values_list("organisation__name", flat=True)
    )
    assert 'Hope "Together", CIC' in staff_orgs
    assert Participant.objects.count() == ParticipantResponse.objects.count() == 100
    assert seconds < 30

    with pytest.raises(ImportRefused, match="already imported"):
        import_answers("gen", "one", data)
    assert Answer.objects.count() == expected["rows"]


@pytest.mark.postgres
def test_choice_number_and_text_answers_survive_binary_copy(postgres):
    from tests.factories import ItemFactory, SectionFactory
    from tests.outcomes.test_import_answers import HEADER

    import_answers(
        "x", "y", (HEADER + "s0,staff,Council,Nurse,P-TRUST-1,4\n").encode(), create=True
    )
    q = Response.objects.get().questionnaire
    section = SectionFactory(questionnaire=q)
    options = [{"value": v, "label": v} for v in ("O-A", "O-B", "O-Ü")]
    ItemFactory(section=section, code="TOP3", kind="multiple", choices=options, max_choices=3)
    ItemFactory(section=section, code="ONE", kind="single", choices=options, scale="")
    ItemFactory(section=section, code="YEARS", kind="number", scale="")
    ItemFactory(section=section, code="SAY", kind="text", scale="")
    rows = (
        "s1,staff,Council,Nurse,TOP3,O-A;O-Ü\n"
        "s1,staff,Council,Nurse,ONE,O-B\n"
        "s1,staff,Council,Nurse,YEARS,2.5\n"
        "s1,staff,Council,Nurse,P-TRUST-1,DK\n"
        's1,staff,Council,Nurse,SAY,"Tabs\tand ""quotes"", ünïcode"\n'
    )
    assert import_answers("x", "y", (HEADER + rows).encode()).answers == 5
    got = {a.item.code: a for a in Answer.objects.filter(response__answers__item__code="TOP3")}
    assert got["TOP3"].choices == ["O-A", "O-Ü"]
    assert (got["ONE"].choices, got["ONE"].text) == (["O-B"], "O-B")
    assert got["YEARS"].number == 2.5
    assert (got["P-TRUST-1"].number, got["P-TRUST-1"].dont_know) == (None, True)
    assert got["SAY"].text == 'Tabs\tand "quotes", ünïcode'
    assert (got["SAY"].choices, got["SAY"].number, got["SAY"].dont_know) == (None, None, False)
