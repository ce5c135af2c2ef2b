"""The demo: a draft application for the demo researcher, with findings; running it twice is
harmless."""

from fivesafes.accounts.demo_users import ensure_demo_users
from fivesafes.people.demo import ensure_demo_people
from fivesafes.projects.demo import ensure_demo_projects
from fivesafes.projects.models import Application
from tests.data.conftest import catalogue, metadata_dir, register_base  # noqa: F401 - fixtures


def test_demo_projects(catalogue) -> None:  # noqa: F811
    ensure_demo_users()
    ensure_demo_people()
    assert ensure_demo_projects() is True
    assert ensure_demo_projects() is False
    application = Application.objects.get()
    assert application.state == "draft" and application.applicant.username == "researcher"
    labels = {line.label for line in application.variables.all()}
    assert {"POPULATION.sex", "POPULATION.birth_date"} <= labels and len(labels) == 3
    rules = {(f["rule"], f["severity"]) for f in application.findings}
    assert ("R11", "blocking") in rules
    assert application.population["criteria"][0]["variable"] == "POPULATION.birth_date"
    assert not any(f["field"] == "population" for f in application.findings)
