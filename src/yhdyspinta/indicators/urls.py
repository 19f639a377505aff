from django.urls import path

from . import views

app_name = "indicators"

urlpatterns = [
    path("indicators/", views.IndicatorList.as_view(), name="indicators"),
    path("indicators/sources/", views.Sources.as_view(), name="sources"),
    path("indicators/sources/new/", views.DataSourceCreate.as_view(), name="source_create"),
    path("indicators/sources/<int:pk>/", views.DataSourceUpdate.as_view(), name="source_edit"),
    path("indicators/followed/new/", views.FollowedCreate.as_view(), name="followed_create"),
    path("indicators/followed/<int:pk>/", views.FollowedUpdate.as_view(), name="followed_edit"),
    path("indicators/import/", views.Upload.as_view(), name="upload"),
    path("indicators/import/<int:pk>/", views.ImportRunView.as_view(), name="import_run"),
    path("indicators/<int:indicator>/", views.IndicatorDetail.as_view(), name="indicator"),
    path("indicators/<int:indicator>/compare/", views.Comparison.as_view(), name="comparison"),
    path("indicators/municipality/<int:pk>/", views.Profile.as_view(), name="profile"),
    path("indicators/kerroin/", views.Kerroin.as_view(), name="kerroin"),
    path("indicators/kerroin/<int:pk>/", views.Kerroin.as_view(), name="kerroin_municipality"),
    path(
        "indicators/kerroin/parameters/new/",
        views.KerroinParametersCreate.as_view(),
        name="kerroin_parameters_create",
    ),
    path(
        "indicators/kerroin/parameters/<int:pk>/",
        views.KerroinParametersUpdate.as_view(),
        name="kerroin_parameters_edit",
    ),
    path("indicators/sets/", views.IndicatorSets.as_view(), name="sets"),
    path("indicators/sets/own/", views.OwnSetUpload.as_view(), name="own_set"),
    path(
        "indicators/sets/own/<slug:key>/<int:year>/",
        views.OwnSetRows.as_view(),
        name="own_set_rows",
    ),
    path("indicators/sets/own/pohja.xlsx", views.OwnSetTemplate.as_view(), name="own_set_template"),
    path("indicators/region/", views.AreaRegion.as_view(), name="area_region"),
    path(
        "indicators/programme-indicator/<int:pk>/bind/",
        views.BindProgrammeIndicator.as_view(),
        name="bind",
    ),
]
