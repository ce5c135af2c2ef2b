"""The world builds through the services and gives the researcher access."""

from fivesafes.policy.project_access import project_access


def test_world_gives_access(world) -> None:
    answer = project_access(world.researcher, world.project)
    assert answer.allowed, answer.reason
