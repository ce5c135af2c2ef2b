"""URLs of safe people (mounted at /people/); every view declares its access rule."""

from django.urls import path

from fivesafes.people.views import cases, documents, institutions, researchers, staff

app_name = "people"
urlpatterns = [
    # The institution's manager
    path("institutions/mine/", institutions.my_institutions, name="my_institutions"),
    path("apply/", institutions.apply, name="apply"),
    path("institutions/<int:pk>/", institutions.institution_detail, name="institution"),
    path("institutions/<int:pk>/apply-again/", institutions.apply_again, name="apply_again"),
    path("institutions/<int:pk>/attach/", institutions.attach, name="attach"),
    path("institutions/<int:pk>/agreements/", institutions.new_agreement, name="new_agreement"),
    path("attachments/<int:pk>/end/", institutions.end_attachment, name="end_attachment"),
    path(
        "attachments/<int:pk>/working-abroad/", institutions.working_abroad, name="working_abroad"
    ),
    path("agreements/<int:pk>/countersign/", institutions.countersign, name="countersign"),
    # Authorisation cases
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:pk>/", cases.case_detail, name="case"),
    path("cases/<int:pk>/steps/<slug:step>/", cases.take_step, name="step"),
    path("cases/<int:pk>/credibility/", cases.credibility, name="credibility"),
    path("cases/<int:pk>/exemption/", cases.exemption, name="exemption"),
    path("cases/<int:pk>/questions/", cases.ask, name="ask"),
    path("cases/<int:pk>/agreement.pdf", cases.agreement_pdf, name="agreement_pdf"),
    path("questions/<int:pk>/answer/", cases.answer, name="answer"),
    path("cases/<int:pk>/guarantee/", documents.exemption_guarantee, name="guarantee"),
    # The researcher
    path("my-access/", researchers.my_access, name="my_access"),
    path("certification/", researchers.certification_test, name="certification"),
    path("agreements/<int:pk>/sign/", researchers.sign_agreement, name="sign_agreement"),
    path("agreements/<int:pk>/notice/", researchers.agreement_notice, name="agreement_notice"),
    path(
        "agreements/<int:pk>/agreement.pdf",
        documents.researcher_agreement_pdf,
        name="researcher_agreement_pdf",
    ),
    path("projects/<int:pk>/", researchers.project_entry, name="project_entry"),
    # Staff
    path("question-bank/", staff.question_bank, name="question_bank"),
    path("question-bank/<int:pk>/", staff.question_bank, name="question_edit"),
    path("breaches/", staff.breach_list, name="breaches"),
    path("breaches/report/", staff.report_breach, name="report_breach"),
    path("breaches/<int:pk>/", staff.breach_detail, name="breach"),
    path("breaches/<int:pk>/decide/", staff.decide_breach, name="decide_breach"),
    path("breaches/<int:pk>/dismiss/", staff.dismiss_breach, name="dismiss_breach"),
    path("breaches/<int:pk>/evidence/", staff.add_evidence, name="add_evidence"),
    path("evidence/<int:pk>/", documents.evidence_file, name="evidence_file"),
    path("access-report/", staff.report, name="access_report"),
]
