"""The context a writer may attach to a share, and how it is generalised for others to see.

Every item is optional. Wherever researchers or leaders see context, a combination held by fewer
than ``K`` distinct sharers is generalised step by step (region -> nation -> UK, then field,
time since registering, internationally educated and role -> "not shown") until it is held by at
least ``K``; counts under ``K`` in any summary are shown as "<5".
"""

from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

K = 5
NOT_SHOWN = "not shown"
NOT_GIVEN = ""

ROLES = {"nurse": "Nurse", "midwife": "Midwife"}
FIELDS = {
    "adult": "Adult nursing",
    "children": "Children's nursing",
    "mental-health": "Mental health nursing",
    "learning-disability": "Learning disability nursing",
    "midwifery": "Midwifery",
}
#: Nations, and "uk" for a region generalised all the way up.
NATIONS = {"england": "England", "scotland": "Scotland", "wales": "Wales",
           "northern-ireland": "Northern Ireland", "uk": "UK"}
ENGLISH_REGIONS = {
    "north-east": "North East", "north-west": "North West",
    "yorkshire": "Yorkshire and the Humber", "east-midlands": "East Midlands",
    "west-midlands": "West Midlands", "east": "East of England", "london": "London",
    "south-east": "South East", "south-west": "South West",
}
#: Where someone works: a nation, or (in England) a region.
REGIONS = {"scotland": "Scotland", "wales": "Wales", "northern-ireland": "Northern Ireland",
           "england": "England (region not given)",
           **{f"england/{key}": f"{label}, England" for key, label in ENGLISH_REGIONS.items()}}
REGISTERED = {"under-1": "Under 1 year", "1-2": "1 to 2 years", "2-3": "2 to 3 years",
              "over-3": "Over 3 years"}
INTERNATIONAL = {"yes": "Internationally educated", "no": "Educated in the UK"}

CHOICES = {"role": ROLES, "field": FIELDS, "region": REGIONS, "registered": REGISTERED,
           "international": INTERNATIONAL}
QUESTIONS = {
    "role": "Your role",
    "field": "Your field",
    "region": "Where you work",
    "registered": "Time since registering",
    "international": "Where you trained",
}


@dataclass(frozen=True)
class Context:
    """One share's context: each value is a key of its CHOICES, or "" when not given."""

    role: str = NOT_GIVEN
    field: str = NOT_GIVEN
    region: str = NOT_GIVEN
    registered: str = NOT_GIVEN
    international: str = NOT_GIVEN

    @classmethod
    def clean(cls, **values: str | None) -> "Context":
        """Build a context keeping only known values (anything else becomes "not given")."""
        return cls(**{name: (value if value in CHOICES[name] else NOT_GIVEN)
                      for name, value in values.items() if name in CHOICES})

    def labels(self) -> list[tuple[str, str]]:
        """(question, answer) pairs for the items that are given, in plain words."""
        out = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value == NOT_SHOWN:
                out.append((QUESTIONS[item.name], "not shown"))
            elif value:
                out.append((QUESTIONS[item.name], label(item.name, value)))
        return out


def label(name: str, value: str) -> str:
    """The plain words for one context value ("england/london" -> "London, England").

    ``name`` may also be "nation" (search facets count nations separately)."""
    if name == "nation":
        return NATIONS.get(value, value)
    if name == "region" and value in NATIONS:
        return NATIONS[value]
    return CHOICES.get(name, {}).get(value, value)


def _to_nation(context: Context) -> Context:
    region = context.region
    return replace(context, region=region.split("/")[0]) if "/" in region else context


def _to_uk(context: Context) -> Context:
    return replace(context, region="uk") if context.region else context


def _hide(name: str):
    def step(context: Context) -> Context:
        return replace(context, **{name: NOT_SHOWN}) if getattr(context, name) else context
    return step


#: Generalisation steps, applied cumulatively until a combination is common enough.
STEPS = (_to_nation, _to_uk, _hide("field"), _hide("registered"), _hide("international"),
         _hide("role"))


def generalise(sharers: Iterable[tuple[str, Context]],
               contexts: Iterable[Context] = ()) -> dict[Context, Context]:
    """Map each distinct context (of the pairs, and ``contexts``) to what may be shown, given
    the (sharer, context) pairs that count.

    A context is shown as it is when at least K distinct sharers hold it; otherwise the least
    generalised form that at least K distinct sharers' contexts also generalise to.
    """
    pairs = set(sharers)
    # Each context's view at every level, and who holds each view: one pass over the pairs
    # (not a scan of all pairs per context and level), as each tally change rebuilds it.
    views = {context: _levels(context) for context in {c for _, c in pairs} | set(contexts)}
    holders: list[dict[Context, set[str]]] = [{} for _ in range(len(STEPS) + 1)]
    for sharer, context in pairs:
        for level, view in enumerate(views[context]):
            holders[level].setdefault(view, set()).add(sharer)
    return {context: next((view for level, view in enumerate(levels)
                           if len(holders[level].get(view, ())) >= K), levels[-1])
            for context, levels in views.items()}


def _levels(context: Context) -> list[Context]:
    """The context at every level of generalisation, each built from the one before."""
    views = [context]
    for step in STEPS:
        views.append(step(views[-1]))
    return views


def suppress(count: int) -> str:
    """A count as shown in summaries: "<5" below K, so small groups cannot be singled out."""
    return f"<{K}" if 0 < count < K else str(count)
