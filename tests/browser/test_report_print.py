"""The yearly report as the committee gets it: a chart drawn on the server and read by a screen
reader from its table, and on A4 paper without the menu, the year form or the buttons, with the
year and the date of printing on it."""

import re

from portal import clock
from portal.services import reporting
from tests.browser.conftest import browser_login


def test_the_report_draws_its_month_chart_and_prints_on_a4_without_the_controls(
    demo_data, new_page, tmp_path
):
    year = clock.today().year
    page = new_page(width=1280)
    browser_login(page, "sekretariat@vink.example.org")
    page.goto(f"/sekretariat/rapport?aar={year}")
    chart = page.get_by_role("img", name="Søjlediagram: afholdte og planlagte arrangementer")
    assert chart.is_visible()
    # One pair of bars per month, the held ones as high as the month's held events.
    report = reporting.build_report(year)
    busiest = max(m["held"] for m in report.months)
    heights = page.eval_on_selector_all(
        ".month-chart rect[fill='url(#pattern-held)']", "rs => rs.map(r => r.getBBox().height)"
    )
    assert len(heights) == 12
    tallest = max(range(12), key=lambda i: heights[i])
    assert report.months[tallest]["held"] == busiest > 0
    # The numbers behind the chart are in a table a screen reader reads.
    table = page.locator("#months-heading ~ * table, section[aria-labelledby=months-heading] table")
    assert table.first.locator("tbody tr").count() == 12

    printed = page.get_by_text(f"Rapport for {year}, udskrevet")
    assert not printed.is_visible()  # on paper only
    page.emulate_media(media="print")
    assert printed.is_visible()
    for control in [
        page.locator("header.header"),
        page.get_by_role("button", name="Vis året"),
        page.get_by_role("link", name="Hent rapporten som regneark (XLSX)"),
    ]:
        assert not control.is_visible()
    assert page.get_by_role("heading", name="Handleplanens succeskriterier").is_visible()

    pdf = tmp_path / "rapport.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
    assert 2 <= pages <= 10, pages
