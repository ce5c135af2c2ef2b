"""The demo: the demo researcher can work in the demo project, and running it twice is harmless."""

from fivesafes.accounts.demo_users import ensure_demo_users
from fivesafes.people.demo import DEMO_PROJECT, ensure_demo_people
from fivesafes.policy.project_access import project_access
from fivesafes.projects.models import Project


def test_demo_people(db) -> None:
    ensure_demo_users()
    assert ensure_demo_people() is True
    assert ensure_demo_people() is False
    from fivesafes.accounts.models import User

    project = Project.objects.get(number=DEMO_PROJECT)
    for name in ("researcher",):
        answer = project_access(User.objects.get(username=name), project)
        assert answer.allowed, answer.reason
    manager = User.objects.get(username="manager")
    answer = project_access(manager, project)
    assert [c.name for c in answer.failed] == ["Researcher agreement"]
