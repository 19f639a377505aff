from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AreaRole


@admin.register(AreaRole)
class AreaRoleAdmin(SimpleHistoryAdmin):
    list_display = ["user", "area", "role", "body", "organisation"]
    list_filter = ["area", "role"]
    raw_id_fields = ["user"]
