from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Body, Membership, RhythmRule


class RhythmRuleInline(admin.TabularInline):
    model = RhythmRule
    extra = 0


@admin.register(Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "level", "convener", "area"]
    list_filter = ["area", "level"]
    inlines = [RhythmRuleInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["person", "body", "organisation", "role", "starts_on", "ends_on"]
    list_filter = ["body__area", "role"]
    raw_id_fields = ["person", "deputy_for"]
