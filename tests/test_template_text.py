"""User-visible text in templates goes through the translation functions (no bare Dutch in the markup)."""

import re
from html.parser import HTMLParser
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: Names that are the same in every language.
ALLOWED = {"Sterk Techniekonderwijs", "Nederlands", "English", "STO"}
VISIBLE_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}
JINJA = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)


class TextCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.texts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre"):
            self.skip += 1
        self.texts.extend(value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.texts.append(data)


def bare_text(source: str) -> list[str]:
    # Jinja expressions become a neutral placeholder so attribute and text boundaries survive.
    collector = TextCollector()
    collector.feed(JINJA.sub(" ", source))
    found = []
    for text in collector.texts:
        for allowed in ALLOWED:
            text = text.replace(allowed, " ")
        # A word of two letters or more; "-error" after an id expression is markup, not text.
        if re.search(r"(?<![-\w])[A-Za-zÀ-ÿ]{2,}", text):
            found.append(text.strip())
    return found


def test_no_untranslated_text_in_templates():
    problems = {}
    for path in sorted([*TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]):
        found = bare_text(path.read_text(encoding="utf-8"))
        if found:
            problems[str(path.relative_to(TEMPLATES))] = found
    assert problems == {}


def test_the_checker_finds_bare_text():
    assert bare_text("<p>Welkom terug</p>") == ["Welkom terug"]
    assert bare_text('<img alt="Logo van de school">') == ["Logo van de school"]
    assert bare_text("<p>{{ _('Welkom') }}</p><p>{{ name }} – 3</p>") == []
