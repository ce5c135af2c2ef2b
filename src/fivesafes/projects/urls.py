"""URLs of safe projects (mounted at /projects/); every view declares its access rule."""

from django.urls import path

from fivesafes.projects.views import (
    applications,
    closure,
    pricing,
    projects,
    review,
    suggestions,
)

app_name = "projects"
urlpatterns = [
    # The applicant
    path("applications/", applications.my_applications, name="my_applications"),
    path("applications/new/", applications.new_application, name="new_application"),
    path("applications/<int:pk>/", review.application_page, name="application"),
    path("applications/<int:pk>/edit/<slug:step>/", applications.wizard, name="wizard"),
    path("applications/<int:pk>/basket/", applications.add_from_basket, name="add_from_basket"),
    path("applications/<int:pk>/members/", applications.add_member, name="add_member"),
    path("people-suggestions/", suggestions.member_suggestions, name="member_suggestions"),
    path("applications/<int:pk>/population/", applications.add_criterion, name="add_criterion"),
    path(
        "applications/<int:pk>/population/<int:number>/remove/",
        applications.remove_criterion,
        name="remove_criterion",
    ),
    path("applications/<int:pk>/external/", applications.add_external_data, name="add_external"),
    path(
        "applications/<int:pk>/documents/<slug:kind>/upload/",
        applications.upload_document,
        name="upload_document",
    ),
    path("applications/<int:pk>/documents/<slug:kind>/", applications.document, name="document"),
    path("applications/<int:pk>/submit/", applications.submit, name="submit"),
    path("variables/<int:pk>/", applications.save_variable, name="save_variable"),
    path("variables/<int:pk>/remove/", applications.remove_variable, name="remove_variable"),
    path("members/<int:pk>/remove/", applications.remove_member, name="remove_member"),
    path("external/<int:pk>/remove/", applications.remove_external_data, name="remove_external"),
    path("questions/<int:pk>/answer/", applications.answer, name="answer"),
    # Staff review and decisions
    path("review/", review.review_list, name="review"),
    path("applications/<int:pk>/steps/<slug:step>/", review.take_step, name="step"),
    path("applications/<int:pk>/questions/", review.ask, name="ask"),
    path("applications/<int:pk>/assign/", review.assign, name="assign"),
    # Price list, quotes, decision letter and contract (R18)
    path("prices/", pricing.price_list, name="prices"),
    path("applications/<int:pk>/quotes/", pricing.issue_quote, name="issue_quote"),
    path("applications/<int:pk>/decision.pdf", pricing.decision_pdf, name="decision_pdf"),
    path("quotes/<int:pk>/accept/", pricing.accept_quote, name="accept_quote"),
    path("quotes/<int:pk>/contract.pdf", pricing.contract_pdf, name="contract_pdf"),
    path("quotes/<int:pk>/invoice/", pricing.issue_invoice, name="issue_invoice"),
    path("invoices/<int:pk>/invoice.pdf", pricing.invoice_pdf, name="invoice_pdf"),
    # Projects and change requests
    path("", projects.project_list, name="projects"),
    path("<int:pk>/", projects.project_page, name="project"),
    path("<int:pk>/change/", projects.start_change, name="start_change"),
    path("changes/<int:pk>/record/", projects.record_small_change, name="record_small_change"),
    # Closure and follow-up (R23, R25)
    path("<int:pk>/close/", closure.close_project, name="close"),
    path("<int:pk>/deleted/", closure.confirm_deletion, name="confirm_deletion"),
    path("<int:pk>/publications/", closure.register_publication, name="register_publication"),
    path("publications/", closure.scrutiny_queue, name="scrutiny_queue"),
    path("publications/<int:pk>/scrutiny/", closure.record_scrutiny, name="scrutiny"),
]
