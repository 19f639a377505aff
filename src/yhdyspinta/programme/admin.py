from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    FollowUpRound,
    Goal,
    Indicator,
    IndicatorValue,
    Measure,
    MeasureReport,
    Priority,
    Programme,
    ProgrammeApproval,
)


class ApprovalInline(admin.TabularInline):
    model = ProgrammeApproval
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(SimpleHistoryAdmin):
    list_display = ["name", "area", "starts_year", "ends_year"]
    inlines = [ApprovalInline]


@admin.register(Priority, Goal)
class StructureAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "order"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "goal", "unit", "source", "baseline_value", "target_value"]


@admin.register(Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = ["name", "goal", "lead", "starts_year", "ends_year"]
    list_filter = ["goal__priority__programme"]


admin.site.register([IndicatorValue, MeasureReport, FollowUpRound])
