"""The release pages and API for researchers, checkers and auditors, and the one download
route: nothing of the outputs area leaves by any other route."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from fivesafes.accounts.models import ApiToken
from fivesafes.release.models import ReleasedFile, ReleaseRequest
from fivesafes.release.services import release as releasing
from fivesafes.release.services import requests
from fivesafes.release.workflow import RequestState
from tests.conftest import verified_client
from tests.foundation.test_security_walk import body_of
from tests.release.conftest import (
    OK_TABLE,
    ROLES,
    SMALL_CELL,
    request_with,
    submitted_and_checked,
    write_output,
)

pytestmark = pytest.mark.django_db


def api_client(person) -> Client:
    _token, plain = ApiToken.issue(user=person, name="test", days=1)
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_a_researcher_starts_a_request_adds_a_file_submits_and_reads_what_to_fix(rw):
    browser = verified_client(rw.author)
    page = browser.get(reverse("release:my_requests"))
    assert page.status_code == 200 and rw.project.number in page.content.decode()
    response = browser.post(reverse("release:new", args=[rw.project.pk]))
    release = ReleaseRequest.objects.get()
    assert response.url == reverse("release:request", args=[release.pk])
    write_output(rw.project, "tables/t.csv", SMALL_CELL)
    page = browser.get(response.url)
    assert "tables/t.csv" in page.content.decode()  # offered from the outputs area
    browser.post(
        reverse("release:add_file", args=[release.pk]),
        {
            "path": "tables/t.csv",
            "context": "Counts by region",
            "declarations": "region=label, sex=label, n=frequency",
        },
    )
    assert release.files.get().declarations == ROLES
    response = browser.post(reverse("release:step", args=[release.pk, "submit"]))
    assert response.status_code == 302
    requests.run_checks(release.pk)
    page = browser.get(reverse("release:request", args=[release.pk])).content.decode()
    assert "Returned to the researcher" in page
    assert "only 3 contributors" in page and "region=South, sex=F" in page
    assert "<mark" not in page  # the checked values are the checkers' to see
    checker = verified_client(rw.checker).get(reverse("release:request", args=[release.pk]))
    assert '<mark title="fails a disclosure rule">3</mark>' in checker.content.decode()
    assert "Update tables/t.csv" in page


def test_a_refused_step_is_said_on_the_page(rw):
    release = request_with(rw, {})
    browser = verified_client(rw.author)
    response = browser.post(reverse("release:step", args=[release.pk, "submit"]), follow=True)
    assert "Add at least one file" in response.content.decode()
    assert ReleaseRequest.objects.get().state == RequestState.DRAFT


def test_checkers_vote_with_hidden_comments_and_the_queue_shows_the_request(rw):
    release = submitted_and_checked(rw, request_with(rw, {"fig.png": (b"png", {})}))
    file = release.files.get()
    first, second = verified_client(rw.checker), verified_client(rw.second_checker)
    queue = first.get(reverse("release:queue")).content.decode()
    assert release.reference in queue
    first.post(
        reverse("release:vote", args=[file.pk]),
        {f"f{file.pk}-decision": "changes", f"f{file.pk}-comment": "Label the axes please."},
    )
    seen_by_second = second.get(reverse("release:request", args=[release.pk])).content.decode()
    assert "Label the axes please." not in seen_by_second
    assert "1 vote hidden until both checkers have voted" in seen_by_second
    assert (
        "Label the axes please."
        in first.get(reverse("release:request", args=[release.pk])).content.decode()
    )
    author_page = verified_client(rw.author).get(reverse("release:request", args=[release.pk]))
    assert "Label the axes please." not in author_page.content.decode()


def test_the_release_log_for_checkers_and_auditors_only_and_its_export(rw):
    submitted_and_checked(rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})}))
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    for person in (rw.checker, rw.auditor):
        page = verified_client(person).get(reverse("release:log"))
        assert page.status_code == 200 and entry.sha256[:16] in page.content.decode()
    export = verified_client(rw.auditor).get(reverse("release:log_csv"))
    assert entry.sha256 in export.content.decode()
    assert verified_client(rw.author).get(reverse("release:log")).status_code == 403
    assert verified_client(rw.auditor).get(reverse("release:queue")).status_code == 403


def test_the_api_walks_a_request_from_start_to_release(rw):
    api = api_client(rw.author)
    made = api.post(f"/api/v1/release/projects/{rw.project.pk}/requests")
    assert made.status_code == 201, made.content
    rid = made.json()["id"]
    write_output(rw.project, "t.csv", OK_TABLE)
    added = api.post(
        f"/api/v1/release/requests/{rid}/files",
        {"path": "t.csv", "context": "Counts", "declarations": ROLES},
        content_type="application/json",
    )
    assert added.status_code == 201 and added.json()["next_steps"] == ["submit", "withdraw"]
    bad = api.post(
        f"/api/v1/release/requests/{rid}/files",
        {"path": "../x.csv", "context": "c"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["rule"] == "R22" and bad.json()["field"] == "path"
    assert (
        api.post(
            f"/api/v1/release/requests/{rid}/steps/submit", {}, content_type="application/json"
        ).json()["state"]
        == "submitted"
    )
    requests.run_checks(rid)
    assert api.get(f"/api/v1/release/requests/{rid}").json()["state"] == "approved"
    releasing.run_batch()
    released = api.get("/api/v1/release/released").json()
    assert released["count"] == 1
    got = api.get(f"/api/v1/release/released/{released['items'][0]['id']}/download")
    assert got.status_code == 200 and got.content == OK_TABLE.encode()
    outsider = api_client(rw.outsider)
    assert outsider.get(f"/api/v1/release/requests/{rid}").status_code == 404
    assert (
        outsider.get(f"/api/v1/release/released/{released['items'][0]['id']}/download").status_code
        == 404
    )
    assert api_client(rw.auditor).get("/api/v1/release/log").json()["count"] == 1


def test_the_api_refuses_a_checker_who_is_a_member(rw, make_user):
    from fivesafes.policy.permissions import Role
    from fivesafes.projects.models import ProjectMembership

    both = make_user(Role.OUTPUT_CHECKER, Role.RESEARCHER)
    ProjectMembership.objects.create(project=rw.project, person=both)
    release = submitted_and_checked(rw, request_with(rw, {"fig.png": (b"png", {})}))
    answer = api_client(both).post(
        f"/api/v1/release/files/{release.files.get().pk}/votes",
        {"decision": "approve"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "Independent review" in answer.json()["detail"]


def test_nothing_of_the_outputs_area_leaves_but_released_files_by_the_download_route(rw):
    """Every page and API read, with every id of the world, as a member, a checker and an
    auditor: the bytes of an unreleased file never appear, and a released file's bytes only
    from the download route (to a member)."""
    from tests.foundation.routes import api_operations, web_routes

    unreleased = b"UNRELEASED-OUTPUT-7f3a,never,leaves\n"
    released_table = OK_TABLE.replace("North", "Nordjylland-RELEASED")
    write_output(rw.project, "secret/unreleased.csv", unreleased)
    release = request_with(
        rw,
        {
            "t.csv": (released_table, {"declarations": ROLES}),
            "notes.txt": (b"NOT-RELEASED-NOTES-91c2", {}),
        },
    )
    release = submitted_and_checked(rw, release)
    assert release.state == RequestState.CHECKED  # notes.txt needs review
    requests.take_step(actor=rw.checker, release=release, step="return_to_author", note="No.")
    release.refresh_from_db()
    notes = release.files.get(path="notes.txt")
    requests.withdraw_file(actor=rw.author, file=notes)
    release = submitted_and_checked(rw, release)
    releasing.run_batch()
    entry = ReleasedFile.objects.get()
    ids = {release.pk, notes.pk, entry.pk, rw.project.pk, entry.file_id}
    allowed = {"release:download", "GET /api/v1/release/released/{released_id}/download"}
    leaks = []
    for person in (rw.author, rw.checker, rw.auditor):
        browser = verified_client(person)
        browser.raise_request_exception = False
        api = api_client(person)
        api.raise_request_exception = False
        for value in ids:
            for route in web_routes(lambda _r, _p, sample, v=value: v if sample == 1 else sample):
                body = body_of(browser.get(route.url))
                if b"UNRELEASED-OUTPUT" in body or b"NOT-RELEASED-NOTES" in body:
                    leaks.append(f"{person}: {route.name}")
                if b"Nordjylland-RELEASED,F" in body and route.name not in allowed:
                    leaks.append(f"{person}: {route.name} serves the released bytes")
            for method, path, _view in api_operations():
                if method != "GET":
                    continue
                url = re.sub(r"\{\w+\}", str(value), path)
                body = body_of(api.get(url))
                if b"UNRELEASED-OUTPUT" in body or b"NOT-RELEASED-NOTES" in body:
                    leaks.append(f"{person}: {path}")
                if b"Nordjylland-RELEASED,F" in body and f"GET {path}" not in allowed:
                    leaks.append(f"{person}: {path} serves the released bytes")
    assert not leaks, leaks
    member = verified_client(rw.colleague)
    got = member.get(reverse("release:download", args=[entry.pk]))
    assert got.status_code == 200 and got.content == released_table.encode()
    assert (
        verified_client(rw.checker).get(reverse("release:download", args=[entry.pk])).status_code
        == 403
    )


def test_the_release_dashboard_shows_the_figures(rw):
    submitted_and_checked(rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})}))
    submitted_and_checked(rw, request_with(rw, {"f.png": (b"png", {})}))
    releasing.run_batch()
    from fivesafes.release.figures import dashboard

    figures = dashboard()
    assert figures["routing"]["passed and released automatically"] == 1
    assert figures["routing"]["sent to two checkers"] == 1
    assert figures["automatic_pass_rate"] == 0.5
    assert figures["time_to_release"]["requests"] == 1
    assert sum(n for _, n in figures["weekly"]) == 2
    page = verified_client(rw.auditor).get(reverse("release:dashboard")).content.decode()
    assert "<svg" in page and "Automatic pass rate: 50 %" in page
    assert verified_client(rw.author).get(reverse("release:dashboard")).status_code == 403


def test_the_request_page_polls_while_the_checks_run_and_reloads_when_routed(rw):
    release = request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    requests.submit(actor=rw.author, release=release)
    browser = verified_client(rw.author)
    url = reverse("release:request", args=[release.pk])
    assert 'id="checking"' in browser.get(url).content.decode()
    polled = browser.get(url, HTTP_HX_REQUEST="true")
    assert polled.status_code == 200 and "HX-Refresh" not in polled
    requests.run_checks(release.pk)
    assert browser.get(url, HTTP_HX_REQUEST="true")["HX-Refresh"] == "true"


def test_a_member_reads_only_part_of_the_findings_and_never_the_checked_values(rw):
    """The check results are no channel out of the research server: a table of 40 single
    persons fails on every cell, and its member reads five reasons and five cells, not the
    values; a checker reads everything, with the values."""
    rows = "\n".join(f"person{k:03d},M,1" for k in range(40))
    release = request_with(rw, {"t.csv": (f"region,sex,n\n{rows}\n", {"declarations": ROLES})})
    release = submitted_and_checked(rw, release)
    assert len(release.files.get().failing_cells) == 40
    url = reverse("release:request", args=[release.pk])
    member = verified_client(rw.author).get(url).content.decode()
    assert set(re.findall(r"person\d{3}", member)) == {f"person{k:03d}" for k in range(5)}
    assert "more findings" in member and "<mark" not in member
    checker = verified_client(rw.checker).get(url).content.decode()
    assert "person039" in checker and "<mark" in checker
    api = api_client(rw.author).get(f"/api/v1/release/requests/{release.pk}").json()
    assert len(api["files"][0]["failing_cells"]) == 5 and len(api["files"][0]["reasons"]) <= 5


def test_every_column_of_the_release_tables_has_a_heading(rw):
    """axe's empty-table-header: a screen reader names each column by its heading."""
    release = submitted_and_checked(
        rw, request_with(rw, {"t.csv": (OK_TABLE, {"declarations": ROLES})})
    )
    releasing.run_batch()
    assert ReleasedFile.objects.count() == 1
    pages = {
        rw.author: [reverse("release:my_requests"), reverse("release:request", args=[release.pk])],
        rw.checker: [reverse("release:queue"), reverse("release:request", args=[release.pk])],
    }
    for person, paths in pages.items():
        browser = verified_client(person)
        for path in paths:
            page = browser.get(path).content.decode()
            assert "<th" in page, path
            empty = re.findall(r"<th[^>]*>\s*</th>", page)
            assert not empty, f"{path} has {len(empty)} column(s) without a heading"
    queue = verified_client(rw.checker).get(reverse("release:queue")).content.decode()
    assert "<title>Output checking" in queue and "<h2>" not in queue.split("</title>")[0]
