"""Layout details QA found, measured in Chromium: checkbox labels sit level with their boxes."""

from __future__ import annotations


def test_checkbox_labels_sit_level_with_their_boxes(browser, live_server):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    page.goto(live_server.url + "/bedrijven/aanmelden")
    offsets = page.evaluate("""() => [...document.querySelectorAll('.utrecht-form-field--checkbox')].map(field => {
        const box = field.querySelector('input').getBoundingClientRect();
        const label = field.querySelector('label').getBoundingClientRect();
        return (label.top + label.bottom) / 2 - (box.top + box.bottom) / 2;
    })""")
    assert offsets and all(abs(offset) < 1.5 for offset in offsets), offsets
    context.close()
