"""The documentation holds together: citations in code, links between the manuals, a short README.

A citation names a file under docs/ (or the README), optionally followed by a heading in
double quotes, e.g. in a comment: (docs/<file>.md "<Heading>"). Comments and docstrings in
the folders below are read; a citation whose file or heading is missing fails the test.
"""

import re
from pathlib import Path

from devstack.template import ROOT

CITING = ["shared", "functions", "devstack", "bench", "tests", "template.yaml", "Makefile", ".ci"]
TEXT_SUFFIXES = {".py", ".yaml", ".yml", ".js", ".html", ".toml", ".txt", ""}
# The file, then (across a line break and a comment's `#`, or after a comma) the quoted heading.
_DOCS = re.compile(r"\bdocs/([\w-]+\.md)(?:,?\s*(?:#\s*)?\"([^\"\n]+)\")?")
_README = re.compile(r"\bREADME(?:\.md)?,?\s*(?:#\s*)?\"([^\"\n]+)\"")
_HEADING = re.compile(r"^#{1,6} (.+?)\s*$")
_LINK = re.compile(r"\]\(([^)\s]+)\)")
README_MAX_LINES = 200


def _headings(document: Path) -> set[str]:
    found, fenced = set(), False
    for line in document.read_text().splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (heading := _HEADING.match(line)):
            found.add(heading.group(1))
    return found


def citations(text: str) -> list[tuple[str, str | None]]:
    """(file relative to the repository, heading or None) for every citation in `text`."""
    cited = [(f"docs/{m.group(1)}", m.group(2)) for m in _DOCS.finditer(text)]
    cited += [("README.md", m.group(1)) for m in _README.finditer(text)]
    return cited


def broken(cited: list[tuple[str, str | None]], root: Path = ROOT) -> list[str]:
    problems = []
    for name, heading in cited:
        document = root / name
        if not document.is_file():
            problems.append(f"{name} does not exist")
        elif heading is not None and heading not in _headings(document):
            problems.append(f'{name} has no heading "{heading}"')
    return problems


def _citing_files() -> list[Path]:
    files = []
    for entry in CITING:
        path = ROOT / entry
        candidates = [path] if path.is_file() else sorted(path.rglob("*"))
        files += [
            f
            for f in candidates
            if f.is_file()
            and f.suffix in TEXT_SUFFIXES
            and not {"__pycache__", "node_modules"} & set(f.parts)  # node_modules: npm's packages, not ours
            and f.name != "results.json"
        ]
    return files


def test_every_citation_names_a_file_and_a_heading_that_exist():
    problems, count = [], 0
    for source in _citing_files():
        if source == Path(__file__).resolve():
            continue  # its examples of wrong citations are wrong on purpose
        cited = citations(source.read_text(errors="replace"))
        count += len(cited)
        problems += [f"{source.relative_to(ROOT)}: {problem}" for problem in broken(cited)]
    assert count >= 10, "the citations were not found: is the pattern still right?"
    assert problems == []


def test_a_wrong_heading_or_file_is_reported():
    text = (
        '# (docs/architecture.md "Cold starts"), docs/architecture.md\n"Dependency rules"\n'
        '# docs/operators.md "Operations" and README "Operations"\n'
        "# docs/nowhere.md\n"
    )
    assert broken(citations(text)) == [
        'docs/operators.md has no heading "Operations"',
        "docs/nowhere.md does not exist",
        'README.md has no heading "Operations"',
    ]


def _anchor(heading: str) -> str:
    """The fragment GitHub gives a heading: lower case, punctuation dropped, spaces as dashes."""
    return re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")


def test_the_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text().splitlines()
    assert len(lines) <= README_MAX_LINES
    for manual in ("integrating", "operators", "partners", "architecture", "development"):
        assert f"](docs/{manual}.md)" in "\n".join(lines), manual


def test_links_between_the_manuals_reach_a_file_and_a_heading():
    problems = []
    for document in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for target in _LINK.findall(document.read_text()):
            if "://" in target or target.startswith("mailto:"):
                continue
            path, _, fragment = target.partition("#")
            linked = (document.parent / path).resolve() if path else document
            if not linked.exists():
                problems.append(f"{document.name}: {target} does not exist")
            elif fragment and fragment not in {_anchor(h) for h in _headings(linked)}:
                problems.append(f"{document.name}: {target} names no heading")
    assert problems == []
