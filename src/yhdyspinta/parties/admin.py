from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CounterpartPair, NamedRole, Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "business_id", "area", "sub_region"]
    list_filter = ["area", "kind"]
    search_fields = ["name", "business_id"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["last_name", "first_name", "organisation", "email", "user"]
    list_filter = ["area"]
    search_fields = ["last_name", "first_name", "email"]
    raw_id_fields = ["user"]


@admin.register(NamedRole)
class NamedRoleAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "kind", "person", "holder_name"]
    list_filter = ["kind"]


@admin.register(CounterpartPair)
class CounterpartPairAdmin(SimpleHistoryAdmin):
    list_display = ["topic", "county_person", "municipality_person", "area"]
