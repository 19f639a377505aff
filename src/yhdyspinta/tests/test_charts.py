"""Charts write numbers as the tables do, in the active language."""

from django.utils import translation

from yhdyspinta.core.charts import Series, line_chart


def test_axis_labels_use_the_languages_decimal_separator():
    series = [Series(label="Joensuu", points=[(2020, 10.5), (2021, 12.25)])]
    with translation.override("fi"):
        finnish = [label for _y, label in line_chart(series).y_ticks]
    with translation.override("en"):
        english = [label for _y, label in line_chart(series).y_ticks]
    assert any("," in label for label in finnish)
    assert not any("." in label for label in finnish)
    assert any("." in label for label in english)
