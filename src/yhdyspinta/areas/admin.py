from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Area, CouncilTerm, SubRegion, Theme


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "negotiation_611_mode"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SubRegion, Theme)
class AreaRowAdmin(SimpleHistoryAdmin):
    list_display = ["name", "area", "order"]
    list_filter = ["area"]


@admin.register(CouncilTerm)
class CouncilTermAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "area", "starts_on", "ends_on"]
    list_filter = ["area", "kind"]
