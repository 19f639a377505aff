from django.urls import path

from . import views

# The overview keeps the area pages' names (areas:overview, areas:settings, ...).
app_name = "areas"

urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    path("settings/", views.SettingsView.as_view(), name="settings"),
    path("my-tasks/", views.MyTasks.as_view(), name="my_tasks"),
    path("settings/deadlines/", views.DeadlinesEdit.as_view(), name="deadlines_edit"),
    path("settings/national/", views.NationalViewEdit.as_view(), name="national_view_edit"),
    path("embed/structure/", views.EmbedStructure.as_view(), name="embed_structure"),
    path("embed/obligations/", views.EmbedObligations.as_view(), name="embed_obligations"),
    path("embed/clock/", views.EmbedClock.as_view(), name="embed_clock"),
    path("sub-regions/new/", views.SubRegionCreate.as_view(), name="subregion_create"),
    path("sub-regions/<int:pk>/edit/", views.SubRegionUpdate.as_view(), name="subregion_edit"),
    path("themes/new/", views.ThemeCreate.as_view(), name="theme_create"),
    path("themes/<int:pk>/edit/", views.ThemeUpdate.as_view(), name="theme_edit"),
    path("council-terms/new/", views.CouncilTermCreate.as_view(), name="councilterm_create"),
    path(
        "council-terms/<int:pk>/edit/", views.CouncilTermUpdate.as_view(), name="councilterm_edit"
    ),
]
