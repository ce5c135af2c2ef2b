"""Services of safe outputs: requests and files, freezing and hashing, the automatic checks
and their routing, votes, release, batches, downloads and breaches; each write audited."""

from __future__ import annotations

import pytest

from fivesafes.audit.models import AuditEvent
from fivesafes.release.models import ReleasedFile, ReleaseRequest, RequestFile, Vote
from fivesafes.release.services import release as releasing
from fivesafes.release.services import requests
from fivesafes.release.workflow import RequestState
from fivesafes.shared.refusals import AccessDenied, RuleViolation
from tests.release.conftest import (
    OK_TABLE,
    ROLES,
    SMALL_CELL,
    crosstab_record,
    record_text,
    request_with,
    reviewed,
    submitted_and_checked,
    write_output,
)

pytestmark = pytest.mark.django_db


def actions(obj=None) -> list[str]:
    found = AuditEvent.objects.order_by("sequence")
    if obj is not None:
        found = found.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return list(found.values_list("action", flat=True))


def test_a_passing_table_not_sampled_is_approved_then_released_and_mailed(rw, mailoutbox):
    release = request_with(rw, {"tables/t1.csv": (OK_TABLE, {"declarations": ROLES})})
    release = submitted_and_checked(rw, release)
    assert release.state == RequestState.APPROVED
    file = release.files.get()
    assert file.verdict == "pass" and file.sha256 and file.check_record["format"]
    result = releasing.run_batch()
    assert result["released"] == [release.reference] and result["mailed"] == 1
    release.refresh_from_db()
    assert release.state == RequestState.RELEASED
    entry = ReleasedFile.objects.get()
    assert entry.automatic and entry.reviewers == [] and entry.recipients == [rw.author.email]
    assert entry.emailed_at is not None
    (mail,) = mailoutbox
    assert mail.to == [rw.author.email]
    assert mail.attachments[0][1] == OK_TABLE.encode()
    history = actions(release)
    assert history[:2] == ["release_request.created", "release_request.file_added"]
    for action in (
        "release_request.submit",
        "release_request.checked",
        "release_request.auto_approve",
        "release_request.release",
        "release.mailed",
    ):
        assert action in history
    assert "release.file_released" in actions(entry)


def test_a_small_cell_without_an_exception_is_returned_with_the_reasons(rw):
    release = request_with(rw, {"t.csv": (SMALL_CELL, {"declarations": ROLES})})
    release = submitted_and_checked(rw, release)
    assert release.state == RequestState.RETURNED
    assert release.round == 2
    file = release.files.get()
    assert file.verdict == "fail"
    assert file.failing_cells == [{"region": "South", "sex": "F"}]
    assert "only 3 contributors" in " ".join(release.route_reasons)


def test_the_researcher_fixes_the_cell_and_two_checkers_approve(rw, mailoutbox):
    release = request_with(rw, {"t.csv": (SMALL_CELL, {"declarations": ROLES})})
    release = submitted_and_checked(rw, release)
    write_output(rw.project, "t.csv", OK_TABLE)
    file = release.files.get()
    requests.update_file(
        actor=rw.author, file=file, context="Fixed: regions merged", declarations=ROLES
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(requests, "draw", lambda: 0.0)  # drawn for a sample
        patch.setattr(requests, "sample_rate", lambda: 0.5)
        release = submitted_and_checked(rw, release)
    assert release.state == RequestState.CHECKED and release.sampled
    release = reviewed(rw, release)
    assert release.state == RequestState.REVIEWED
    assert release.files.get().decision == "approve"
    requests.take_step(actor=rw.third_checker, release=release, step="approve")
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    assert not entry.automatic and set(entry.reviewers) >= {"Chris", "Charlotte"}
    assert mailoutbox[0].attachments[0][1] == OK_TABLE.encode()


def test_an_exception_sends_a_failing_file_to_two_checkers(rw):
    release = request_with(
        rw,
        {"t.csv": (SMALL_CELL, {"declarations": ROLES, "exception": "Structural: no women."})},
    )
    release = submitted_and_checked(rw, release)
    assert release.state == RequestState.CHECKED
    assert release.files.get().verdict == "fail"


def test_a_figure_needs_review_and_a_record_is_verified_against_its_table(rw):
    record, table = crosstab_record()
    release = request_with(
        rw,
        {
            "fig.png": (b"\x89PNG\r\n\x1a\n fake", {}),
            "t2.csv": (table, {}),
            "t2.json": (record_text(record), {}),
        },
    )
    release = submitted_and_checked(rw, release)
    verdicts = {f.path: (f.verdict, f.is_evidence) for f in release.files.all()}
    assert verdicts == {
        "fig.png": ("review", False),
        "t2.csv": ("pass", False),
        "t2.json": ("pass", True),
    }
    assert release.state == RequestState.CHECKED


def test_a_record_whose_table_does_not_match_the_file_fails(rw):
    record, table = crosstab_record()
    changed = table.replace(",121\n", ",122\n", 1)
    assert changed != table
    release = request_with(rw, {"t2.csv": (changed, {}), "t2.json": (record_text(record), {})})
    release = submitted_and_checked(rw, release)
    file = release.files.get(path="t2.csv")
    assert file.verdict == "fail"
    assert "not the record's table" in file.reasons[0]
    assert release.state == RequestState.RETURNED


def test_a_record_changed_after_its_check_fails_its_checksums(rw):
    record, table = crosstab_record()
    record["table"]["cells"][0]["values"]["count"] = 999
    release = request_with(rw, {"t2.csv": (table, {}), "t2.json": (record_text(record), {})})
    release = submitted_and_checked(rw, release)
    assert "checksums" in release.files.get(path="t2.json").reasons[0]
    assert release.files.get(path="t2.csv").verdict == "fail"


def test_a_csv_in_a_wrong_encoding_fails_with_the_reason(rw):
    latin = OK_TABLE.replace("North", "\u00c5rhus").encode("latin-1")
    release = request_with(rw, {"t.csv": (latin, {"declarations": ROLES})})
    release = submitted_and_checked(rw, release)
    file = release.files.get()
    assert file.verdict == "fail" and "cannot be checked" in file.reasons[0]


def test_a_file_changed_after_submission_is_detected_and_the_frozen_bytes_are_released(rw):
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    requests.submit(actor=rw.author, release=release)
    file = release.files.get()
    assert requests.changed_since_submission(file) is False
    write_output(rw.project, "t.csv", SMALL_CELL)
    assert requests.changed_since_submission(file) is True
    requests.run_checks(release.pk)
    releasing.run_batch()
    name, content = releasing.download(actor=rw.colleague, released=ReleasedFile.objects.get())
    assert content == OK_TABLE.encode()  # what was checked, not what is in the area now


def test_a_frozen_copy_changed_after_submission_is_never_checked_as_passing_nor_released(rw):
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    requests.submit(actor=rw.author, release=release)
    file = release.files.get()
    requests.frozen_path(file).write_bytes(SMALL_CELL.encode())
    requests.run_checks(release.pk)
    file.refresh_from_db()
    assert file.verdict == "fail" and "SHA-256" in file.reasons[0]

    other = request_with(rw, {"u.csv": (OK_TABLE, {"declarations": ROLES})})
    other = submitted_and_checked(rw, other)
    assert other.state == RequestState.APPROVED
    requests.frozen_path(other.files.get()).write_bytes(b"changed")
    result = releasing.run_batch()
    assert result["refused"] == [other.reference]
    other.refresh_from_db()
    assert other.state == RequestState.APPROVED and not ReleasedFile.objects.exists()


def test_files_change_only_while_with_the_author_and_updating_resets_reviews(rw):
    release = request_with(rw, {"a.png": (b"png", {})})
    release = submitted_and_checked(rw, release)
    file = release.files.get()
    with pytest.raises(RuleViolation, match="only while it is a draft or returned"):
        requests.update_file(actor=rw.author, file=file, context="new words")
    requests.vote(actor=rw.checker, file=file, decision="changes", comment="Label the axes.")
    requests.submit_review(actor=rw.checker, release=release)
    requests.take_step(
        actor=rw.second_checker, release=release, step="return_to_author", note="See comments."
    )
    release.refresh_from_db()
    assert release.state == RequestState.RETURNED and release.round == 2
    requests.update_file(actor=rw.colleague, file=file, context="Axes labelled")
    requests.withdraw_file(actor=rw.colleague, file=file)
    with pytest.raises(RuleViolation, match="at least one file"):
        requests.submit(actor=rw.author, release=release)
    assert Vote.objects.filter(round=1).count() == 1  # the earlier round's vote is history


def test_a_return_resets_the_rounds_votes(rw):
    release = request_with(rw, {"a.png": (b"png", {})})
    release = submitted_and_checked(rw, release)
    release = reviewed(rw, release, decision="changes")
    requests.take_step(actor=rw.checker, release=release, step="return_to_author", note="Fix.")
    release = submitted_and_checked(rw, release)
    assert release.round == 2 and release.state == RequestState.CHECKED
    assert release.first_reviewer is None and release.files.get().decision == ""
    assert not Vote.objects.filter(round=2).exists()


def test_votes_are_hidden_until_both_are_in(rw):
    from fivesafes.release.queries import hidden_votes, votes_shown

    release = request_with(rw, {"a.png": (b"png", {})})
    release = submitted_and_checked(rw, release)
    file = release.files.get()
    requests.vote(actor=rw.checker, file=file, decision="approve", comment="Fine by me.")
    assert [v.comment for v in votes_shown(file, rw.checker)] == ["Fine by me."]
    assert votes_shown(file, rw.second_checker) == []
    assert hidden_votes(file, rw.second_checker) == 1
    assert votes_shown(file, rw.author) == []
    requests.vote(actor=rw.second_checker, file=file, decision="reject", comment="Too small.")
    assert {v.comment for v in votes_shown(file, rw.author)} == {"Fine by me.", "Too small."}
    assert "Fine by me." not in str(AuditEvent.objects.values_list("data", flat=True))


def test_disagreement_is_consolidated_before_a_decision(rw):
    release = request_with(rw, {"a.png": (b"png", {})})
    release = submitted_and_checked(rw, release)
    file = release.files.get()
    requests.vote(actor=rw.checker, file=file, decision="approve")
    requests.vote(actor=rw.second_checker, file=file, decision="reject", comment="Unsafe.")
    requests.submit_review(actor=rw.checker, release=release)
    release.refresh_from_db()
    requests.submit_review(actor=rw.second_checker, release=release)
    release.refresh_from_db()
    with pytest.raises(RuleViolation, match="disagree"):
        requests.take_step(actor=rw.third_checker, release=release, step="approve")
    requests.consolidate(
        actor=rw.third_checker, file=file, decision="reject", note="A cell of 2 in the bins."
    )
    requests.take_step(
        actor=rw.third_checker, release=release, step="reject", note="Disclosive histogram."
    )
    release.refresh_from_db()
    assert release.state == RequestState.REJECTED


def test_both_votes_by_one_person_are_refused_even_from_two_sessions(rw):
    from fivesafes.accounts.models import User

    release = request_with(rw, {"a.png": (b"png", {})})
    release = submitted_and_checked(rw, release)
    file = release.files.get()
    requests.vote(actor=rw.checker, file=file, decision="approve")
    requests.submit_review(actor=rw.checker, release=release)
    again = User.objects.get(pk=rw.checker.pk)  # the same person, signed in elsewhere
    release.refresh_from_db()
    with pytest.raises(RuleViolation, match="reviewed .* already"):
        requests.vote(actor=again, file=RequestFile.objects.get(pk=file.pk), decision="approve")
    with pytest.raises(RuleViolation, match="Four eyes"):
        requests.submit_review(actor=again, release=release)
    assert Vote.objects.count() == 1


def test_a_request_on_a_closed_project_is_refused(rw):
    from fivesafes.projects.models import Project

    release = request_with(rw, {"a.png": (b"png", {})})
    Project.objects.filter(pk=rw.project.pk).update(state="closed")
    rw.project.refresh_from_db()
    release.refresh_from_db()
    with pytest.raises(RuleViolation, match="closed"):
        requests.create(actor=rw.author, project=rw.project)
    with pytest.raises(RuleViolation, match="closed"):
        requests.submit(actor=rw.author, release=release)


def test_bad_files_are_refused_when_added(rw, settings):
    release = request_with(rw, {})
    for path, content, words in (
        ("../secret.csv", "x", "inside the project's outputs area"),
        ("/etc/passwd", "x", "inside the project's outputs area"),
        ("run.sh", "#!/bin/sh\n", "not released"),
        ("data.parquet", "PAR1", "not released"),
        ("prog.csv", b"\x7fELF....", "program"),
    ):
        if not path.startswith(("/", "..")):
            write_output(rw.project, path, content)
        with pytest.raises(RuleViolation, match=words):
            requests.add_file(actor=rw.author, release=release, path=path, context="c")
    settings.FIVESAFES_RELEASE_MAX_FILE_BYTES = 100
    write_output(rw.project, "big.csv", "x" * 101)
    with pytest.raises(RuleViolation, match="over the limit"):
        requests.add_file(actor=rw.author, release=release, path="big.csv", context="c")
    with pytest.raises(RuleViolation, match="no file"):
        requests.add_file(actor=rw.author, release=release, path="missing.csv", context="c")


def test_the_mail_server_down_loses_nothing_and_the_next_batch_sends(rw, settings, mailoutbox):
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    submitted_and_checked(rw, release)
    settings.EMAIL_BACKEND = "tests.release.broken_mail.DownBackend"
    with pytest.raises(releasing.BatchIncomplete, match="wait for the next batch"):
        releasing.run_batch()
    entry = ReleasedFile.objects.get()
    assert entry.emailed_at is None and entry.mail_attempts == 1
    assert "release.mail_failed" in actions(entry.request)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert releasing.run_batch()["mailed"] == 1
    entry.refresh_from_db()
    assert entry.emailed_at is not None and len(mailoutbox) == 1
    assert releasing.run_batch()["mailed"] == 0  # sent once


def test_the_batch_task_fails_while_the_mail_server_is_down(rw, settings):
    from fivesafes.release.tasks import release_batch

    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    submitted_and_checked(rw, release)
    settings.EMAIL_BACKEND = "tests.release.broken_mail.DownBackend"
    with pytest.raises(releasing.BatchIncomplete):
        release_batch.call()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert release_batch.call()["mailed"] == 1


def test_download_only_by_members_of_released_files(rw):
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    submitted_and_checked(rw, release)
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    assert releasing.download(actor=rw.author, released=entry)[1] == OK_TABLE.encode()
    for person in (rw.outsider, rw.checker, rw.auditor, rw.manager):
        with pytest.raises(AccessDenied):
            releasing.download(actor=person, released=entry)
    assert "release.downloaded" in actions(entry)


def test_a_breach_withdraws_the_file_opens_a_case_and_tells_the_members(rw, mailoutbox):
    from fivesafes.people.models import Breach

    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    submitted_and_checked(rw, release)
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    mailoutbox.clear()
    for person in (rw.colleague, rw.auditor):
        with pytest.raises(AccessDenied):
            releasing.mark_breach(actor=person, released=entry, what_happened="x")
    with pytest.raises(RuleViolation, match="Describe"):
        releasing.mark_breach(actor=rw.checker, released=entry, what_happened=" ")
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        releasing.mark_breach(
            actor=rw.checker, released=entry, what_happened="Cells of 2 via differencing."
        )
    entry.refresh_from_db()
    assert entry.is_withdrawn and entry.breach is not None
    breach = Breach.objects.get()
    assert breach.researcher == rw.author and breach.institution == rw.institution
    assert "t.csv" in breach.what_happened
    assert breach.files.get().name.endswith(".txt")
    # The file's history gives times as the pages do: the office's zone, to the minute.
    from fivesafes import files as file_store
    from fivesafes.people.services.sanctions import EVIDENCE_FOLDER
    from fivesafes.shared.formats import when

    evidence = breach.files.get()
    history = file_store.path_of(f"{EVIDENCE_FOLDER}/{evidence.stored_name}").read_text()
    assert f"Released at: {when(entry.released_at, zone=True)}\n" in history
    assert "+00:00" not in history and entry.released_at.isoformat() not in history
    with pytest.raises(RuleViolation, match="withdrawn"):
        releasing.download(actor=rw.author, released=entry)
    (notice,) = mailoutbox
    assert set(notice.to) == {rw.author.email, rw.colleague.email}
    assert "release.breach" in actions(entry)


def test_a_released_request_keeps_its_log_entries_withdrawn_are_not_mailed(rw, mailoutbox):
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    submitted_and_checked(rw, release)
    releasing.release_approved()
    entry = ReleasedFile.objects.get()
    releasing.mark_breach(actor=rw.checker, released=entry, what_happened="Breach.")
    mailoutbox.clear()
    assert releasing.mail_released()["mailed"] == 0


def test_risk_factors_raise_the_sample(rw, settings):
    settings.FIVESAFES_RELEASE_RISK_SAMPLE_RATE = 1.0
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    release = submitted_and_checked(rw, release)
    assert release.sampled and release.state == RequestState.CHECKED
    assert any("first release" in f for f in release.risk_factors)


def test_the_check_job_is_enqueued_with_progress_on_submission(
    rw, django_capture_on_commit_callbacks
):
    from fivesafes.jobs.models import JobProgress

    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    with django_capture_on_commit_callbacks(execute=True):
        requests.submit(actor=rw.author, release=release)
    release.refresh_from_db()
    progress = JobProgress.objects.get(task_result_id=release.check_job)
    assert progress.owner == rw.author and release.reference in progress.title
    from fivesafes.release.tasks import run_checks

    assert run_checks.call(release.pk)["route"] == "auto_approve"
    assert ReleaseRequest.objects.get(pk=release.pk).state == RequestState.APPROVED


def _workbook(hidden_sheet: bool = False, formula: bool = False) -> bytes:
    import io

    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    for row in [["region", "sex", "n"], ["North", "F", 120], ["North", "M", 110]]:
        ws.append(row)
    ws.append(["South", "F", "=95" if formula else 95])
    ws.append(["South", "M", 97])
    if hidden_sheet:
        other = book.create_sheet("microdata")
        other.append(["person", "income"])
        other.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_spreadsheet_with_a_hidden_sheet_or_a_formula_fails(rw):
    release = request_with(
        rw,
        {
            "plain.xlsx": (_workbook(), {"declarations": ROLES}),
            "hidden.xlsx": (_workbook(hidden_sheet=True), {"declarations": ROLES}),
            "formula.xlsx": (_workbook(formula=True), {"declarations": ROLES}),
        },
    )
    release = submitted_and_checked(rw, release)
    verdicts = {f.path: (f.verdict, " ".join(f.reasons)) for f in release.files.all()}
    assert verdicts["plain.xlsx"][0] == "pass", verdicts
    assert verdicts["hidden.xlsx"][0] == "fail" and "hidden sheet" in verdicts["hidden.xlsx"][1]
    assert verdicts["formula.xlsx"][0] == "fail" and "formula" in verdicts["formula.xlsx"][1]


def test_nothing_is_released_from_a_project_closed_after_approval(rw, mailoutbox):
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    release = submitted_and_checked(rw, release)
    assert release.state == RequestState.APPROVED
    rw.project.state = "closed"
    rw.project.save()
    result = releasing.run_batch()
    assert result["refused"] == [release.reference] and not ReleasedFile.objects.exists()
    assert "release_request.release_refused" in actions(release)
    assert mailoutbox == []
    again = releasing.run_batch()
    assert again["refused"] == [release.reference]
    assert actions(release).count("release_request.release_refused") == 1


def test_a_regression_record_is_verified_against_its_rounded_coefficient_table(rw):
    import numpy as np
    import pandas as pd

    from fivesafes import sdc
    from tests.release.conftest import record_text

    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"x": rng.normal(size=400), "z": rng.normal(size=400)})
    frame["y"] = 1 + 2 * frame.x + rng.normal(size=400)
    out = sdc.ols(formula="y ~ x + z", data=frame)
    table = out.table.reset_index().to_csv(index=False, float_format="%.4f")
    wrong = table.replace(table.splitlines()[2].split(",")[1], "9.9999", 1)
    release = request_with(
        rw,
        {
            "model.csv": (table, {}),
            "model.json": (record_text(out.record()), {}),
            "wrong.csv": (wrong, {}),
            "wrong.json": (record_text(out.record()), {}),
        },
    )
    release = submitted_and_checked(rw, release)
    verdicts = {f.path: f.verdict for f in release.files.all()}
    assert verdicts["model.csv"] == out.status == "pass", release.files.get(
        path="model.csv"
    ).reasons
    assert verdicts["wrong.csv"] == "fail"
    assert "9.9999" in release.files.get(path="wrong.csv").reasons[0]
