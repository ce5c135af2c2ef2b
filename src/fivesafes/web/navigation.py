"""Navigation as data: sections of a person's work, each page naming the permission that shows it.

A section lists its pages, the other pages that belong to it and the rooms (URL namespaces) it
stands for: a page that is not itself in the navigation (an application, a case) belongs to the
section the person sees that names it, else to the first that claims its room, so the case handler's application page is under "Projects" and the
researcher's under "My research". `menu_for` builds one person's menu from their permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from fivesafes.policy.permissions import Permission


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    permission: Permission | None  # None: everyone, signed in or not


@dataclass(frozen=True)
class NavSection:
    key: str
    label: str
    entries: tuple[NavEntry, ...]
    rooms: tuple[str, ...] = ()  # URL namespaces whose other pages belong here
    views: tuple[str, ...] = ()  # pages of a room that belong here rather than to the room's


SECTIONS: tuple[NavSection, ...] = (
    NavSection(
        "dashboard",
        _("Dashboard"),
        (NavEntry(_("Dashboard"), "web:dashboard", Permission.VIEW_DASHBOARD),),
        rooms=("web",),
    ),
    NavSection(
        "catalogue",
        _("Catalogue"),
        (
            NavEntry(_("Catalogue"), "data:catalogue", None),
            NavEntry(_("Data basket"), "data:basket", Permission.USE_DATA_BASKET),
        ),
        rooms=("data",),
    ),
    NavSection(
        "research",
        _("My research"),
        (
            NavEntry(_("My access"), "people:my_access", Permission.WORK_IN_PROJECTS),
            NavEntry(_("Applications"), "projects:my_applications", Permission.APPLY_FOR_PROJECTS),
            NavEntry(_("Projects"), "projects:projects", Permission.WORK_IN_PROJECTS),
            NavEntry(_("Outputs"), "release:my_requests", Permission.WORK_IN_PROJECTS),
        ),
        rooms=("people", "projects", "release", "workspace", "delivery"),
        views=("people:certification", "people:sign_agreement", "people:project_entry"),
    ),
    NavSection(
        "institution",
        _("Institution"),
        (
            NavEntry(
                _("Institution"),
                "people:my_institutions",
                Permission.MANAGE_INSTITUTION_RESEARCHERS,
            ),
            NavEntry(_("Projects"), "projects:projects", Permission.ACCEPT_QUOTES),
        ),
        rooms=("people", "projects"),
        views=tuple(
            f"people:{name}"
            for name in (
                "institution",
                "apply",
                "apply_again",
                "attach",
                "new_agreement",
                "end_attachment",
                "working_abroad",
                "countersign",
                "guarantee",
            )
        ),
    ),
    NavSection(
        "projects",
        _("Projects"),
        (
            NavEntry(
                _("Project applications"), "projects:review", Permission.VIEW_PROJECT_APPLICATIONS
            ),
            NavEntry(_("Projects"), "projects:projects", Permission.VIEW_PROJECT_APPLICATIONS),
            NavEntry(_("Price list"), "projects:prices", Permission.EDIT_PRICE_LIST),
            NavEntry(_("Scrutiny"), "projects:scrutiny_queue", Permission.RECORD_SCRUTINY),
            NavEntry(_("Data delivery"), "delivery:queue", Permission.DELIVER_DATA),
            NavEntry(_("Workspaces"), "workspace:staff", Permission.OVERSEE_WORKSPACES),
        ),
        rooms=("projects", "delivery", "workspace"),
    ),
    NavSection(
        "outputs",
        _("Output checking"),
        (
            NavEntry(_("Output checking"), "release:queue", Permission.REVIEW_OUTPUTS),
            NavEntry(_("Release log"), "release:log", Permission.VIEW_RELEASE_LOG),
        ),
        rooms=("release",),
    ),
    NavSection(
        "people",
        _("People"),
        (
            NavEntry(_("Cases"), "people:cases", Permission.VIEW_PEOPLE_CASES),
            NavEntry(_("Breaches"), "people:breaches", Permission.VIEW_PEOPLE_CASES),
            NavEntry(_("Report a breach"), "people:report_breach", Permission.REPORT_BREACHES),
            NavEntry(_("Access report"), "people:access_report", Permission.VIEW_ACCESS_REPORT),
            NavEntry(
                _("Question bank"),
                "people:question_bank",
                Permission.EDIT_CERTIFICATION_QUESTIONS,
            ),
        ),
        rooms=("people",),
    ),
    NavSection(
        "records",
        _("Records"),
        (
            NavEntry(_("Jobs"), "jobs:list", Permission.VIEW_OWN_JOBS),
            NavEntry(_("Audit log"), "audit:list", Permission.VIEW_AUDIT_LOG),
            NavEntry(_("Administration"), "admin:index", Permission.ADMINISTER_SYSTEM),
        ),
        rooms=("jobs", "audit", "admin"),
    ),
)

# The person's own account is reached from their name beside "Sign out", not from a section.
ACCOUNT = NavEntry(_("Account"), "accounts:account", Permission.MANAGE_OWN_ACCOUNT)

# Every page of the navigation once, in order (the web bench opens them all).
NAVIGATION: tuple[NavEntry, ...] = tuple(
    {e.url_name: e for s in SECTIONS for e in s.entries}.values()
) + (ACCOUNT,)


@dataclass
class MenuPage:
    label: str
    url: str
    current: bool = False


@dataclass
class MenuSection:
    key: str
    label: str
    pages: list[MenuPage] = field(default_factory=list)
    current: bool = False

    @property
    def single(self) -> MenuPage | None:
        """A section of one page is shown as that page's link, with the page's name."""
        return self.pages[0] if len(self.pages) == 1 else None


def menu_for(
    allowed: Callable[[Permission | None], bool],
    url_of: Callable[[str], str | None],
    view_name: str | None,
    namespace: str | None,
) -> list[MenuSection]:
    """The person's sections with the pages they may open, and which one the page is in.

    `allowed` answers whether the person holds a permission (None: everyone); `url_of` reverses
    a URL name (None when it does not exist); `view_name` and `namespace` are those of the page
    being shown (from its resolved URL), None for a page no URL resolved (a 404).
    """
    menu: list[MenuSection] = []
    shown: set[str] = set()
    claims: dict[str, MenuSection] = {}
    owners: dict[str, MenuSection] = {}
    for section in SECTIONS:
        item = MenuSection(section.key, str(section.label))
        for entry in section.entries:
            if entry.url_name in shown or not allowed(entry.permission):
                continue
            url = url_of(entry.url_name)
            if url is None:
                continue
            shown.add(entry.url_name)
            item.pages.append(MenuPage(str(entry.label), url, current=entry.url_name == view_name))
        if not item.pages:
            continue
        item.current = any(page.current for page in item.pages)
        for room in section.rooms:
            claims.setdefault(room, item)
        for view in section.views:
            owners.setdefault(view, item)
        menu.append(item)
    if view_name is None or any(s.current for s in menu):
        return menu
    owner = owners.get(view_name) or claims.get(namespace or "")
    if owner is not None:
        owner.current = True
    return menu
