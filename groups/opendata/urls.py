from django.urls import path

from groups.opendata import api, views

app_name = "opendata"

# HSDS names its paths without a trailing slash (/services, /services/{id}); both spellings answer.
RESOURCES = [
    ("services", api.services, api.service),
    ("service_at_locations", api.service_at_locations, api.service_at_location),
    ("organizations", api.organizations, api.organization),
    ("taxonomies", api.taxonomies, api.taxonomy),
    ("taxonomy_terms", api.taxonomy_terms, api.taxonomy_term),
]

urlpatterns = [
    path("api/hsds/", api.index, name="index"),
    path("api/hsds/openapi.json", api.openapi, name="openapi"),
    path("open-data/", views.open_data, name="page"),
    path("coordinate/review/import/", views.import_groups, name="import"),
    path("coordinate/review/import/template.csv", views.import_template, name="import_template"),
]
for name, list_view, detail_view in RESOURCES:
    urlpatterns += [
        path(f"api/hsds/{name}", list_view, name=name),
        path(f"api/hsds/{name}/", list_view),
        path(f"api/hsds/{name}/<str:id>", detail_view, name=f"{name}_detail"),
    ]
