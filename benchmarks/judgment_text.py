"""A judgment written part by part, with its gold names and the spans that must stay."""

from __future__ import annotations

from dataclasses import dataclass, field

from judgment_names import Person


@dataclass(frozen=True)
class Keep:
    """Text no finding may touch: a case or document number, a date, an amount, a law."""

    text: str
    kind: str


@dataclass
class Gold:
    start: int
    end: int
    role: str
    form: str  # the person's form on first mention, "repeat" or "reference" after


@dataclass
class Document:
    kind: str = ""
    parts: list[str] = field(default_factory=list)
    gold: list[Gold] = field(default_factory=list)
    untouched: list[tuple[int, int, str]] = field(default_factory=list)
    length: int = 0
    seen: dict[int, Person] = field(default_factory=dict)  # by id, kept alive
    newline: str = "\n"  # "" or " " for a judgment scraped into one paragraph

    def say(self, *items: object) -> None:
        """Write strings, ``Keep`` spans and people (first mention, then their later form)."""
        for item in items:
            start = self.length
            if isinstance(item, Person):
                first = id(item) not in self.seen
                written = item.first if first else item.later
                self.seen[id(item)] = item
                form = item.form if first else ("repeat" if written == item.first else "reference")
                self.gold.append(Gold(start, start + len(written), item.role, form))
            elif isinstance(item, Keep):
                written = item.text
                self.untouched.append((start, start + len(written), item.kind))
            else:
                written = str(item).replace("\n", self.newline)
            self.parts.append(written)
            self.length += len(written)

    @property
    def text(self) -> str:
        return "".join(self.parts)
