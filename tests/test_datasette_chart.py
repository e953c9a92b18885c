"""The SVG range chart: one row per source, honest bounds, log scale for wide spreads, escaped text."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from factdb.chart import range_chart_svg, scale_for, uses_log_scale
from factdb.compare import Comparison, ComparedFigure, figure_interval

SVG = "{http://www.w3.org/2000/svg}"


def figure(source: str, qualifier: str, value: float | None, low: float | None = None, high: float | None = None,
           *, name: str | None = None, stated: str | None = None) -> ComparedFigure:
    interval = figure_interval(qualifier, value, low, high)
    return ComparedFigure(
        source=source, source_name=name or source.title(), qualifier=qualifier, value=value, low=low, high=high,
        interval=(interval.low, interval.high), open_low=interval.open_low, open_high=interval.open_high,
        central=value if value is not None else interval.low, stated=stated or f"{qualifier} {value}",
        claimed_on="2020-01", claimed_on_precision="month", claim_id=f"{source}-claim", document="doc",
        via=None, via_name=None, status="active", superseded=False, origin=source,
    )


def comparison_of(*figures: ComparedFigure, consensus: tuple[float, float | None] | None = None,
                  verdict: str = "Two sources conflict", unit: str = "people") -> Comparison:
    return Comparison(
        event="protests", event_name="Protests", metric="killed", metric_name="People killed", unit=unit,
        population=None, tolerance=0.1, as_of=None, figures=list(figures), spread=None, consensus=consensus,
        conflicts=[], independent_origins=len(figures), verdict=verdict,
    )


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises if the markup is not well-formed XML


def rows(svg: str) -> list[ET.Element]:
    return [g for g in parse(svg).iter(f"{SVG}g") if g.get("class") == "figure"]


def test_one_row_with_one_bar_per_source() -> None:
    svg = range_chart_svg(comparison_of(figure("amnesty", "at_least", 300), figure("ncri", "approximately", 1500)))
    found = rows(svg)
    assert [row.get("data-source") for row in found] == ["amnesty", "ncri"]
    for row in found:
        assert len([r for r in row.iter(f"{SVG}rect") if r.get("class") == "bar"]) == 1


def test_a_missing_upper_bound_is_an_arrow_and_a_stated_value_is_a_diamond() -> None:
    svg = range_chart_svg(comparison_of(figure("amnesty", "at_least", 300), figure("ncri", "exact", 1500)))
    at_least, exact = rows(svg)
    classes = lambda row: {element.get("class") for element in row}  # noqa: E731
    assert "open-high" in classes(at_least) and "open-high" not in classes(exact)
    assert "stated-value" in classes(at_least) and "stated-value" in classes(exact)


def test_an_excluded_bound_is_a_hollow_circle() -> None:
    svg = range_chart_svg(comparison_of(figure("a", "more_than", 1000), figure("b", "less_than", 900)))
    more_than, less_than = rows(svg)
    assert any(c.get("class") == "excluded-low" for c in more_than.iter(f"{SVG}circle"))
    assert any(c.get("class") == "excluded-high" for c in less_than.iter(f"{SVG}circle"))
    diamonds = [next(e for e in row if e.get("class") == "stated-value") for row in (more_than, less_than)]
    assert [d.get("fill") for d in diamonds] == ["#ffffff", "#ffffff"]
    exact = next(e for e in rows(range_chart_svg(comparison_of(figure("c", "exact", 5))))[0] if e.get("class") == "stated-value")
    assert exact.get("fill") != "#ffffff"


def test_a_range_without_a_stated_value_has_no_diamond() -> None:
    svg = range_chart_svg(comparison_of(figure("governor", "range", None, 180, 450)))
    (row,) = rows(svg)
    assert not [e for e in row if e.get("class") == "stated-value"]


def test_spreads_over_ten_times_use_a_log_scale_with_labelled_axis() -> None:
    wide = comparison_of(figure("a", "exact", 300), figure("b", "exact", 12000))
    narrow = comparison_of(figure("a", "exact", 300), figure("b", "exact", 2999))
    assert uses_log_scale(wide) and not uses_log_scale(narrow)
    svg = range_chart_svg(wide)
    ticks = [t.text for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks == ["100", "1,000", "10,000", "100,000"]
    assert "people (log scale)" in svg
    assert "(log scale)" not in range_chart_svg(narrow)


def test_linear_scale_starts_at_zero_and_covers_every_figure() -> None:
    scale = scale_for(comparison_of(figure("a", "exact", 300), figure("b", "approximately", 1500)))
    assert not scale.log and scale.low == 0 and scale.high >= 1650
    positions = [scale.x(n) for n in (0, 300, 1650, scale.high)]
    assert positions == sorted(positions)


def test_at_most_on_a_log_scale_runs_off_the_left_edge() -> None:
    svg = range_chart_svg(comparison_of(figure("a", "at_most", 50), figure("b", "exact", 5000)))
    at_most = rows(svg)[0]
    assert any(e.get("class") == "open-low" for e in at_most)


def test_consensus_band_is_drawn_only_when_there_is_one() -> None:
    figures = (figure("a", "at_least", 300), figure("b", "approximately", 1500))
    assert 'class="consensus"' in range_chart_svg(comparison_of(*figures, consensus=(1350, 1650)))
    assert 'class="consensus"' not in range_chart_svg(comparison_of(*figures))


def test_accessible_title_description_and_row_labels() -> None:
    svg = range_chart_svg(comparison_of(figure("amnesty", "at_least", 300, name="Amnesty International",
                                               stated="at least 300")), chart_id="chart-1")
    root = parse(svg)
    assert root.get("aria-labelledby") == "chart-1-title chart-1-desc"
    assert root.find(f"{SVG}title").text == "People killed: Protests"
    assert root.find(f"{SVG}desc").text.startswith("Two sources conflict.")
    (row,) = rows(svg)
    assert row.get("aria-label") == "Amnesty International: “at least 300” (at least 300 people, no upper limit), claimed on 2020-01"


def test_every_text_is_escaped() -> None:
    hostile = "<script>alert(1)</script> & \"Co\" 'x'"
    svg = range_chart_svg(comparison_of(figure("x", "exact", 5, name=hostile, stated=hostile), unit="<b>u</b>",
                                        verdict=hostile))
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    assert hostile in root.find(f"{SVG}desc").text
    assert any(hostile[:20] in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_no_figures_gives_a_message_not_an_error() -> None:
    svg = range_chart_svg(comparison_of(verdict="No source gives a figure"))
    assert rows(svg) == [] and "No source gives a figure" in svg


def test_identical_figures_still_get_a_visible_bar() -> None:
    svg = range_chart_svg(comparison_of(figure("a", "exact", 79), figure("b", "exact", 79)))
    widths = [float(r.get("width")) for r in parse(svg).iter(f"{SVG}rect") if r.get("class") == "bar"]
    assert len(widths) == 2 and all(w >= 2 for w in widths)
    assert not re.search(r"nan|inf", svg, re.IGNORECASE)


def test_long_source_names_wrap_instead_of_being_clipped() -> None:
    from factdb.chart import LABEL_CHARS, label_lines

    name = "Human Rights Activists News Agency of the Examplia Diaspora"
    svg = range_chart_svg(comparison_of(figure("hrana", "exact", 5, name=name), figure("b", "exact", 6)))
    label = next(t for t in parse(svg).iter(f"{SVG}text") if t.get("class") == "source-name")
    lines = [span.text for span in label.iter(f"{SVG}tspan")]
    assert lines == label_lines(name) == ["Human Rights Activists News", "Agency of the Examplia Diaspora"[:LABEL_CHARS - 1] + "…"]
    assert all(len(line) <= LABEL_CHARS for line in lines)
    assert name in rows(svg)[0].find(f"{SVG}title").text
    assert label_lines("Amnesty International") == ["Amnesty International"]


def test_a_date_covers_its_day_month_or_year() -> None:
    import datetime as dt

    from factdb.chart import date_span

    day = dt.date(2019, 12, 20).toordinal()
    assert date_span("2019-12-20") == (day, day)
    assert date_span("2019-12") == (dt.date(2019, 12, 1).toordinal(), dt.date(2019, 12, 31).toordinal())
    assert date_span("2020-02") == (dt.date(2020, 2, 1).toordinal(), dt.date(2020, 2, 29).toordinal())
    assert date_span("2020") == (dt.date(2020, 1, 1).toordinal(), dt.date(2020, 12, 31).toordinal())


def test_the_chart_is_self_contained_so_it_rasterises_as_drawn() -> None:
    """The page's PNG download draws this SVG as an image, where the page's stylesheets and fonts do
    not reach: every colour and font is on the SVG itself and nothing refers outside it."""
    svg = range_chart_svg(comparison_of(figure("a", "at_least", 300), figure("b", "more_than", 1000),
                                        figure("c", "range", None, 200, 1400), figure("d", "exact", 1200),
                                        consensus=(1200, 1200)))
    root = parse(svg)
    assert root.get("font-family") and root.get("font-size") == "13"
    elements = list(root.iter())
    assert {e.tag.removeprefix(SVG) for e in elements} <= {"svg", "title", "desc", "g", "rect", "path", "circle", "line", "text", "tspan"}
    for element in elements:
        tag = element.tag.removeprefix(SVG)
        assert not any("href" in name or "url(" in value for name, value in element.attrib.items()), element.attrib
        if tag in ("rect", "path", "circle"):
            assert element.get("fill"), f"{tag}.{element.get('class')} takes its colour from a stylesheet"
        if tag == "line":
            assert element.get("stroke"), f"a line takes its colour from a stylesheet: {element.attrib}"
    assert "<style" not in svg and "@import" not in svg and "style=" not in svg.split(">", 1)[1]
