"""Release requests: start, add, update and withdraw files, submit (freeze and hash), the
automatic checks and their routing, votes, consolidation and the checkers' decisions.

Each writer is one transaction with its audit event; the check job is enqueued once the
submission is committed. The state changes walk `RELEASE_REQUEST` with the shared walker, and
every person-taken step is guarded by the policy's `check_step` (the same answer as buttons).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fivesafes import files as file_store
from fivesafes.audit.services import record
from fivesafes.policy import releases as policy
from fivesafes.policy.permissions import Permission
from fivesafes.projects.models import Project
from fivesafes.release import outputs, queries
from fivesafes.release.models import FROZEN, ReleaseRequest, RequestFile, Verdict, Vote
from fivesafes.release.workflow import RELEASE_REQUEST, RequestState
from fivesafes.shared import workflow
from fivesafes.shared.refusals import RuleViolation, written
from fivesafes.shared.services import require

logger = logging.getLogger(__name__)
RULE = "R22"


# --- settings: the office's routing ------------------------------------------------------------


def sample_rate() -> float:
    """The share of requests that pass every check but go to two checkers all the same."""
    return float(getattr(settings, "FIVESAFES_RELEASE_SAMPLE_RATE", 0.1))


def risk_sample_rate() -> float:
    """The share when a risk factor is present (first releases, earlier returned requests)."""
    return float(getattr(settings, "FIVESAFES_RELEASE_RISK_SAMPLE_RATE", 0.5))


def draw() -> float:
    """A number in [0, 1) from the system's random source (tests replace it)."""
    return secrets.SystemRandom().random()


# --- requests and files --------------------------------------------------------------------


def create(*, actor: Any, project: Project, request: Any = None) -> ReleaseRequest:
    """A member starts a release request for an open project."""
    require(actor, Permission.WORK_IN_PROJECTS)
    policy.check_create(actor, project)
    with transaction.atomic():
        made = ReleaseRequest.objects.create(project=project, author=actor)
        record(
            action="release_request.created",
            actor=actor,
            obj=made,
            after={"project": project.number, "state": made.state},
            request=request,
        )
    return made


def _locked(release: ReleaseRequest) -> ReleaseRequest:
    return (
        ReleaseRequest.objects.select_for_update()
        .select_related("project", "project__institution", "author")
        .get(pk=release.pk)
    )


def _declarations(value: Any) -> dict[str, str]:
    if not value:
        return {}
    if isinstance(value, str):
        from fivesafes.sdc import SdcInputError
        from fivesafes.sdc.plain import parse_declarations

        try:
            return parse_declarations([p for p in value.replace("\n", ",").split(",") if p.strip()])
        except SdcInputError as exc:
            raise RuleViolation(
                RULE, "declarations", _("Column roles: %(problem)s") % {"problem": exc}
            ) from None
    return {str(k): str(v) for k, v in dict(value).items()}


def add_file(
    *,
    actor: Any,
    release: ReleaseRequest,
    path: str,
    context: str,
    exception: str = "",
    declarations: Any = None,
    request: Any = None,
) -> RequestFile:
    """Put a file of the outputs area into the request, with its context (and, for a file
    that will not pass, the exception justification)."""
    require(actor, Permission.WORK_IN_PROJECTS)
    context = written(context, RULE, "context", _("Say what the file shows, for the checkers."))
    with transaction.atomic():
        release = _locked(release)
        policy.check_edit(actor, release)
        relative = outputs.clean_path(path)
        outputs.resolve(release.project, relative)
        if release.active_files().filter(path=relative).exists():
            raise RuleViolation(
                RULE, "path", _("%(path)s is in the request already.") % {"path": relative}
            )
        added = RequestFile.objects.create(
            request=release,
            path=relative,
            context=context,
            exception=exception.strip(),
            declarations=_declarations(declarations),
            added_by=actor,
        )
        record(
            action="release_request.file_added",
            actor=actor,
            obj=release,
            data={"file": relative, "exception": bool(added.exception)},
            request=request,
        )
    return added


def update_file(
    *,
    actor: Any,
    file: RequestFile,
    context: str,
    exception: str = "",
    declarations: Any = None,
    request: Any = None,
) -> RequestFile:
    """Change a file's words (the bytes are read again at submission); its reviews reset."""
    require(actor, Permission.WORK_IN_PROJECTS)
    context = written(context, RULE, "context", _("Say what the file shows, for the checkers."))
    with transaction.atomic():
        release = _locked(file.request)
        policy.check_edit(actor, release)
        file = RequestFile.objects.select_for_update().get(pk=file.pk, request=release)
        if file.withdrawn_at is not None:
            raise RuleViolation(
                RULE, "file", _("%(path)s was withdrawn from the request.") % {"path": file.path}
            )
        outputs.resolve(release.project, file.path)
        reset = Vote.objects.filter(file=file, round=release.round).delete()[0]
        file.context = context
        file.exception = exception.strip()
        file.declarations = _declarations(declarations)
        file.verdict, file.reasons, file.failing_cells = "", [], []
        file.decision, file.consolidated_by, file.consolidation_note = "", None, ""
        file.updated_at = timezone.now()
        file.save()
        record(
            action="release_request.file_updated",
            actor=actor,
            obj=release,
            data={"file": file.path, "votes_reset": reset},
            request=request,
        )
    return file


def withdraw_file(*, actor: Any, file: RequestFile, request: Any = None) -> RequestFile:
    require(actor, Permission.WORK_IN_PROJECTS)
    with transaction.atomic():
        release = _locked(file.request)
        policy.check_edit(actor, release)
        file = RequestFile.objects.select_for_update().get(pk=file.pk, request=release)
        if file.withdrawn_at is not None:
            raise RuleViolation(
                RULE, "file", _("%(path)s was withdrawn already.") % {"path": file.path}
            )
        file.withdrawn_at = timezone.now()
        file.save(update_fields=["withdrawn_at"])
        record(
            action="release_request.file_withdrawn",
            actor=actor,
            obj=release,
            data={"file": file.path},
            request=request,
        )
    return file


# --- submission: freeze, hash, check ------------------------------------------------------------


def frozen_path(file: RequestFile) -> Any:
    return file_store.path_of(file.stored_name)


def sha256_of(path: Any) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _freeze(step: workflow.Step[RequestState]) -> None:
    """Copy each file's bytes into the request's store and hash them: from now on the copy is
    what is checked, reviewed and released."""
    release = step.obj
    frozen = []
    for file in release.active_files().select_for_update():
        source = outputs.resolve(release.project, file.path)
        content = source.read_bytes()
        suffix = source.suffix.lower()
        if file.stored_name:  # an earlier round's copy: kept as its evidence until closure
            file.earlier_copies = [*file.earlier_copies, file.stored_name]
        file.stored_name = file_store.write(f"{FROZEN}/{uuid.uuid4().hex}{suffix}", content)
        file.sha256 = hashlib.sha256(content).hexdigest()
        file.size = len(content)
        file.frozen_at = timezone.now()
        file.verdict, file.reasons, file.failing_cells, file.check_record = "", [], [], None
        file.is_evidence = False
        file.decision, file.consolidated_by, file.consolidation_note = "", None, ""
        file.save()
        frozen.append({"file": file.path, "sha256": file.sha256, "size": file.size})
    release.submitted_at = timezone.now()
    release.first_reviewer = release.second_reviewer = release.decided_by = None
    release.sampled, release.risk_factors, release.route_reasons = False, [], []
    step.fields += [
        "submitted_at",
        "first_reviewer",
        "second_reviewer",
        "decided_by",
        "sampled",
        "risk_factors",
        "route_reasons",
    ]
    step.data["files"] = frozen


def _enqueue_checks(step: workflow.Step[RequestState]) -> None:
    from fivesafes.jobs.services import enqueue
    from fivesafes.release.tasks import run_checks

    release = step.obj
    progress = enqueue(
        run_checks,
        owner=step.actor,
        title=f"Automatic checks of release request {release.reference}",
        args=[release.pk],
    )
    ReleaseRequest.objects.filter(pk=release.pk).update(check_job=str(progress.task_result_id))


def _new_round(step: workflow.Step[RequestState]) -> None:
    """A return resets the round's votes: the next submission is reviewed afresh."""
    release = step.obj
    release.round += 1
    release.decided_at = timezone.now()
    step.fields += ["round", "decided_at"]
    release.files.update(decision="", consolidated_by=None, consolidation_note="")


def _decided(step: workflow.Step[RequestState]) -> None:
    step.obj.decided_at = timezone.now()
    step.fields.append("decided_at")


def _room_check(step: workflow.Step[RequestState]) -> None:
    """The policy's conditions, asked again of the locked request (the same as the buttons)."""
    if step.actor is not None:
        policy.STEPS.recheck(step)


HOOKS = workflow.Hooks(
    lock=_locked,
    check=_room_check,
    before={
        "submit": _freeze,
        "return_to_author": _new_round,
        "auto_return": _new_round,
        "approve": _decided,
        "reject": _decided,
    },
    on_commit={"submit": _enqueue_checks},
    describe=policy.describe,
)


def take_step(
    *, actor: Any, release: ReleaseRequest, step: str, note: str = "", request: Any = None
) -> ReleaseRequest:
    """A person's step, guarded by the policy (the same answer as the buttons): the walker
    checks the table's conditions and `_room_check` the room's, on the locked request."""
    with file_store.kept_if_committed():
        return workflow.take_step(
            RELEASE_REQUEST, HOOKS, obj=release, step=step, actor=actor, note=note, request=request
        )


def submit(*, actor: Any, release: ReleaseRequest, request: Any = None) -> ReleaseRequest:
    return take_step(actor=actor, release=release, step="submit", request=request)


def withdraw(*, actor: Any, release: ReleaseRequest, request: Any = None) -> ReleaseRequest:
    return take_step(actor=actor, release=release, step="withdraw", request=request)


def changed_since_submission(file: RequestFile) -> bool | None:
    """Whether the outputs area's file differs from the frozen copy (None: cannot tell)."""
    if not file.sha256:
        return None
    try:
        source = outputs.resolve(file.request.project, file.path)
    except RuleViolation:
        return True
    return sha256_of(source) != file.sha256


# --- the automatic checks and routing ----------------------------------------------------------


# A population below this many units is small: its tables have small cells more often.
SMALL_POPULATION = 5000


def _special_category(project: Project) -> list[str]:
    """The approved variables of special categories of data (GDPR art. 9)."""
    from fivesafes.data.models import CatalogueVariable

    labels = set(project.scope.variable_labels)
    if not labels:
        return []
    found = CatalogueVariable.objects.filter(special_category=True).select_related(
        "version__register"
    )
    return sorted(
        f"{v.version.register.short_name}.{v.name}"
        for v in found
        if f"{v.version.register.short_name}.{v.name}" in labels
    )


def risk_factors(release: ReleaseRequest) -> list[str]:
    """Why this request is riskier than most (each raises its sampling rate): first releases
    of the project or the researcher, special-category data (GDPR art. 9), a small population,
    earlier returned requests of the researcher."""
    released = ReleaseRequest.objects.filter(state=RequestState.RELEASED.value).exclude(
        pk=release.pk
    )
    found = []
    if not released.filter(project=release.project).exists():
        found.append(f"the first release of project {release.project.number}")
    if not released.filter(author=release.author).exists():
        found.append(f"the first release of {release.author}")
    returned = (
        ReleaseRequest.objects.filter(author=release.author, round__gt=1)
        .exclude(pk=release.pk)
        .count()
    )
    if returned or release.round > 1:
        found.append(f"{release.author} has had requests returned before")
    special = _special_category(release.project)
    if special:
        found.append(f"special categories of data (GDPR art. 9): {', '.join(special)}")
    size = release.project.scope.population.sample_size
    if size is not None and size < SMALL_POPULATION:
        found.append(f"a small population ({size} units)")
    return found


def project_rate(project: Project) -> float:
    """The rate staff set for the project, or 0 when they set none."""
    from fivesafes.release.models import ProjectSampling

    found = ProjectSampling.objects.filter(project=project).first()
    return found.rate if found is not None else 0.0


def set_project_sample_rate(
    *, actor: Any, project: Project, rate: float, reason: str, request: Any = None
) -> Any:
    """Staff raise (or set back) the share of a project's passing requests that go to two
    checkers, with the reason (R22: risk-based sample checks)."""
    from fivesafes.release.models import ProjectSampling

    require(actor, Permission.REVIEW_OUTPUTS)
    reason = written(reason, RULE, "reason", _("Say why this project is sampled more."))
    if not 0.0 <= rate <= 1.0:
        raise RuleViolation(RULE, "rate", _("Give a share between 0 and 1 (0.5 is half)."))
    with transaction.atomic():
        before = project_rate(project)
        sampling, _created = ProjectSampling.objects.update_or_create(
            project=project,
            defaults={"rate": rate, "reason": reason, "set_by": actor, "set_at": timezone.now()},
        )
        record(
            action="release.sampling_raised",
            actor=actor,
            obj=project,
            before={"rate": before},
            after={"rate": rate},
            data={"reason": reason},
            request=request,
        )
    return sampling


def _route(release: ReleaseRequest, files: list[RequestFile]) -> tuple[str, list[str]]:
    """Which automatic step the checked request takes, and why, in words."""
    from fivesafes.release.services import checks

    paths = [f.path for f in files]
    # A record's verdict is its table file's; a record without its table fails on its own.
    failing = [
        f
        for f in files
        if f.verdict == Verdict.FAIL
        and not f.exception
        and not (f.is_evidence and checks.table_partner(f.path, paths))
    ]
    if failing:
        return "auto_return", [
            f"{f.path} fails the automatic checks and has no exception: "
            f"{'; '.join(f.reasons[:3])}{' …' if len(f.reasons) > 3 else ''}"
            for f in failing
        ]
    flagged = [f for f in files if f.verdict != Verdict.PASS]
    reasons = [
        f"{f.path}: {'needs review' if f.verdict == Verdict.REVIEW else 'fails, with an exception'}"
        for f in flagged
    ]
    if flagged:
        return "checks_passed", reasons
    if release.sampled:
        return "checks_passed", ["Every file passed, but the request was drawn for a sample check."]
    return "auto_approve", ["Every file passed and the request was not drawn for a sample."]


def run_checks(release_id: int, progress: Any = None) -> dict[str, Any]:
    """Check every frozen file, then route the request (the job's body). The checks (and
    sdc with its numeric libraries) are imported here, not when the pages start."""
    from fivesafes.release.services import checks

    release = ReleaseRequest.objects.select_related("project", "author").get(pk=release_id)
    if release.state_enum != RequestState.SUBMITTED:
        return {"skipped": release.state}
    files = list(release.active_files())
    paths = [f.path for f in files]
    frozen_of = {f.path: frozen_path(f) for f in files}
    earlier = queries.earlier_records(release.project, exclude_request=release)
    for n, file in enumerate(files, start=1):
        if progress is not None:
            progress(n / (len(files) + 1), f"Checking {file.path} ({n} of {len(files)})")
        path = frozen_of[file.path]
        if sha256_of(path) != file.sha256:
            result = checks.Result(
                checks.FAIL,
                [f"The frozen copy of {file.path} no longer has the SHA-256 taken at submission."],
            )
        else:
            result = checks.check_file(
                path,
                file.path,
                declarations=file.declarations,
                request_paths=paths,
                frozen_of=frozen_of,
                earlier=earlier,
            )
        file.verdict, file.reasons = result.verdict, result.reasons
        file.failing_cells, file.check_record = result.failing_cells, result.record
        file.is_evidence = result.is_evidence
        RequestFile.objects.filter(pk=file.pk).update(
            verdict=file.verdict,
            reasons=file.reasons,
            failing_cells=file.failing_cells,
            check_record=file.check_record,
            is_evidence=file.is_evidence,
        )
    return route(release.pk)


def route(release_id: int) -> dict[str, Any]:
    """Draw the sample, pick the route and take the automatic step, in one transaction."""
    with transaction.atomic():
        release = _locked(ReleaseRequest(pk=release_id))
        if release.state_enum != RequestState.SUBMITTED:
            return {"skipped": release.state}
        files = list(release.active_files())
        factors = risk_factors(release)
        rate = max(
            sample_rate(), risk_sample_rate() if factors else 0.0, project_rate(release.project)
        )
        release.sampled = draw() < rate
        release.risk_factors = factors
        step, reasons = _route(release, files)
        release.route_reasons = reasons
        release.checked_at = timezone.now()
        release.save(update_fields=["sampled", "risk_factors", "route_reasons", "checked_at"])
        record(
            action="release_request.checked",
            obj=release,
            data={
                "verdicts": {f.path: f.verdict for f in files},
                "sampled": release.sampled,
                "sample_rate": rate,
                "risk_factors": factors,
            },
        )
        workflow.take_step(
            RELEASE_REQUEST, HOOKS, obj=release, step=step, actor=None, note="; ".join(reasons)
        )
    return {"route": step, "sampled": release.sampled, "reasons": reasons}


# --- votes, reviews, consolidation, decisions --------------------------------------------------


def _settle(file: RequestFile, round_: int) -> None:
    votes = list(Vote.objects.filter(file=file, round=round_))
    decisions = {v.decision for v in votes}
    if len({v.checker_id for v in votes}) >= 2 and len(decisions) == 1:
        file.decision = decisions.pop()
    else:
        file.decision = ""
    file.save(update_fields=["decision"])


def vote(
    *,
    actor: Any,
    file: RequestFile,
    decision: str,
    comment: str = "",
    request: Any = None,
) -> Vote:
    """A checker's vote on a file (changeable until they submit their review); the comment
    stays hidden from the other checker until both votes are in."""
    require(actor, Permission.REVIEW_OUTPUTS)
    if decision not in RequestFile.Decision.values:
        raise RuleViolation(RULE, "decision", _("Vote approve, request changes or reject."))
    if decision != RequestFile.Decision.APPROVE and not comment.strip():
        raise RuleViolation(RULE, "comment", _("Say what must change, or why it is rejected."))
    with transaction.atomic():
        release = _locked(file.request)
        file = RequestFile.objects.select_for_update().select_related("request").get(pk=file.pk)
        file.request = release
        policy.check_vote(actor, file)
        cast, _created = Vote.objects.update_or_create(
            file=file,
            round=release.round,
            checker=actor,
            defaults={"decision": decision, "comment": comment.strip(), "voted_at": timezone.now()},
        )
        _settle(file, release.round)
        record(
            action="release_request.vote",
            actor=actor,
            obj=release,
            data={"file": file.path, "round": release.round, "decision": decision},
            request=request,
        )
    return cast


def submit_review(*, actor: Any, release: ReleaseRequest, request: Any = None) -> ReleaseRequest:
    """A checker who has voted on every file submits their review: the first makes the
    request partially reviewed, the second (another person) reviewed."""
    step = (
        "second_review" if release.state_enum == RequestState.PARTIALLY_REVIEWED else "first_review"
    )
    return take_step(actor=actor, release=release, step=step, request=request)


def take_asked_step(
    *, actor: Any, release: ReleaseRequest, step: str, note: str = "", request: Any = None
) -> ReleaseRequest:
    """A step a person asks for by name (a button, the API): a checker's review goes through
    `submit_review`, which takes the first or the second as the request's state says; any
    other step through the machine, with the note."""
    if step in ("first_review", "second_review"):
        return submit_review(actor=actor, release=release, request=request)
    return take_step(actor=actor, release=release, step=step, note=note, request=request)


def consolidate(
    *, actor: Any, file: RequestFile, decision: str, note: str, request: Any = None
) -> RequestFile:
    """The two checkers disagree on a file: a checker settles its outcome, with the reason."""
    require(actor, Permission.REVIEW_OUTPUTS)
    if decision not in RequestFile.Decision.values:
        raise RuleViolation(RULE, "decision", _("Settle on approve, request changes or reject."))
    note = written(note, RULE, "note", _("Say how the disagreement was settled."))
    with transaction.atomic():
        release = _locked(file.request)
        file = RequestFile.objects.select_for_update().get(pk=file.pk)
        file.request = release
        policy.check_consolidate(actor, file)
        file.decision, file.consolidated_by, file.consolidation_note = decision, actor, note
        file.save(update_fields=["decision", "consolidated_by", "consolidation_note"])
        record(
            action="release_request.consolidated",
            actor=actor,
            obj=release,
            data={"file": file.path, "decision": decision, "note": note},
            request=request,
        )
    return file
