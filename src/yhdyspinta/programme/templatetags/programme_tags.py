from django import template
from django.utils.translation import gettext as _

from yhdyspinta.programme.models import MeasureStatus

register = template.Library()


@register.filter
def get_item(mapping, key):
    return mapping.get(key, 0) if mapping else 0


@register.simple_tag
def status_label(status: str) -> str:
    extra = {"missing": _("Not reported"), "late": _("Late")}
    return extra.get(status) or str(dict(MeasureStatus.choices).get(status, status))
