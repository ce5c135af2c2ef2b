"""URLs of safe data: the catalogue (public) and the data basket."""

from django.urls import path

from fivesafes.data.views import basket, catalogue

app_name = "data"
urlpatterns = [
    path("catalogue/", catalogue.index, name="catalogue"),
    path("variable-suggestions/", catalogue.variable_suggestions, name="variable_suggestions"),
    path("catalogue/<str:short_name>/", catalogue.register_page, name="register"),
    path(
        "catalogue/<str:short_name>/versions/<str:version>/",
        catalogue.register_page,
        name="register_version",
    ),
    path("catalogue/<str:short_name>/<str:name>/", catalogue.variable_page, name="variable"),
    path(
        "catalogue/<str:short_name>/versions/<str:version>/<str:name>/",
        catalogue.variable_page,
        name="variable_version",
    ),
    path("basket/", basket.basket, name="basket"),
    path("basket/add/<int:variable_id>/", basket.add, name="basket_add"),
    path("basket/remove/<int:item_id>/", basket.remove, name="basket_remove"),
    path("basket/variable-list.csv", basket.export, name="basket_export"),
]
