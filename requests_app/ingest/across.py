"""Categories across the columns: which field each heading's value belongs to, row of headings by
row of headings; one breakdown of the people only ("Male / Female" beside "0-15 / 16-64" would
count them twice); one measure only (a population estimate beside inflows is not one count)."""

from __future__ import annotations

from collections import defaultdict

from requests_app.ingest.categories import ANY, TEXT, VALUE, Atom, Column, is_period
from requests_app.ingest.problems import ERROR, Problem, columns_named

OPEN_FIELDS = frozenset({"country-of-birth", "nationality", "main-language"})  # more values than any list holds


class Across:
    """The part of mapping._Plan that settles category columns (it uses the plan's request,
    mapping, problems and reasons)."""

    def resolve(self, crossed: list[Column]) -> bool:
        """Settle which field each category heading is a value of, row of headings by row."""
        taken = set(self.mapping.fields.values())
        slots: dict[tuple[int, int], list[tuple[Column, int, Atom]]] = defaultdict(list)
        for c in crossed:
            for index, (slot, atom) in enumerate(c.atoms):
                if index in c.fixed:
                    c.key[c.fixed[index]] = atom.text
                elif atom.kind in (VALUE, TEXT):
                    slots[slot].append((c, index, atom))
        for members in slots.values():
            known = [(c, i, a) for c, i, a in members if a.kind == VALUE and ANY not in a.fields]
            common = frozenset.intersection(*(a.fields for _, _, a in known)) if known else frozenset()
            settled: set[str] = set()
            for c, _, atom in known:
                options = (common or atom.fields) - {ANY}
                if len(options) > 1:
                    wanted = options & (set(self.requested) - taken)
                    options = wanted if len(wanted) == 1 else options
                if len(options) > 1:
                    self.problems.append(self.unsettled(members, options))
                    return False
                (code,) = options
                c.key[code] = atom.text
                settled.add(code)
            others = [(c, i, a) for c, i, a in members if (c, i, a) not in known]
            # An unknown word beside languages may be a language the reference lacks (reported when
            # cleaned); beside genders or age bands it is something else ("Population").
            adopt = settled <= OPEN_FIELDS and len(known) * 2 >= len(members)
            for c, _, atom in others:
                if len(settled) == 1 and (ANY in atom.fields or (adopt and atom.kind == TEXT)):
                    c.key[next(iter(settled))] = atom.text
                    if atom.kind == TEXT:
                        self.mapping.guessed.add(c.position)
                else:
                    c.measure.append(atom.text)
        for c in crossed:
            for code in c.key:
                if code in taken:
                    column = next(p for p, found in self.mapping.fields.items() if found == code)
                    self.ambiguous(code, [column, c.position])
                    return False
        return True

    def one_breakdown(self, leaves: list[Column]) -> list[Column] | None:
        """Columns breaking the same people down by different fields (Male / Female beside
        0-15 / 16-64): only one breakdown can be stored, or they would be counted twice."""
        groups: dict[frozenset, list[Column]] = defaultdict(list)
        for c in leaves:
            groups[frozenset(c.key)].append(c)
        if len(groups) == 1:
            return leaves
        wanted = [g for g in groups if g <= set(self.requested) | {"period"}]
        if len(wanted) != 1:
            described = "; ".join(
                f"{columns_named([self.letter(c) for c in cs])} by {self.fields_named(g)}" for g, cs in groups.items()
            )
            self.problems.append(
                Problem(
                    "mixed-measures",
                    ERROR,
                    f"The columns break the same people down in more than one way ({described}), so adding them "
                    "up would count people twice. Send one breakdown per table, or one table with every "
                    "combination (for example Male 0-15, Male 16-64, Female 0-15...).",
                    sheet=self.table.sheet,
                    row=self.header_row,
                )
            )
            return None
        chosen = groups[wanted[0]]
        for g, cs in groups.items():
            if cs is not chosen:
                for c in cs:
                    self.reasons[c.position] = (
                        f"it breaks the same people down by {self.fields_named(g)}, which was not asked for; "
                        "the breakdown asked for was kept"
                    )
        return chosen

    def fields_named(self, codes) -> str:
        return ", ".join(self.field_name(code).lower() for code in sorted(codes))

    def one_measure(self, leaves: list[Column]) -> bool:
        measures = {" / ".join(c.measure): c for c in leaves if c.measure}
        if len(measures) <= 1:
            return True
        self.mixed_measures(measures)
        return False

    def mixed_measures(self, measures: dict[str, Column]) -> None:
        shown = ", ".join(f"'{m}' (column {self.letter(c)})" for m, c in list(measures.items())[:4])
        self.problems.append(
            Problem(
                "mixed-measures",
                ERROR,
                f"The columns hold {len(measures)} different things under headings the tracker cannot tell "
                f"apart ({shown}{', ...' if len(measures) > 4 else ''}). Adding them up would mix different "
                "measures. Send one measure per table. If the headings are categories of one field, put a "
                "heading over them naming the field (for example 'Category of need'); if they are periods, "
                "write them like '2024 Q1' or '2023/24'.",
                sheet=self.table.sheet,
                row=self.header_row,
            )
        )

    def unsettled(self, members, options) -> Problem:
        shown = [a.text for _, _, a in members[:4]]
        letters = columns_named([self.letter(c) for c, _, _ in members])
        return Problem(
            "ambiguous-label",
            ERROR,
            f"The headings of {letters} ({', '.join(repr(s) for s in shown)}) could be values of "
            f"{' or '.join(sorted(self.field_name(o).lower() for o in options))}. Put a heading over them naming "
            "the field, for example 'Nationality'.",
            sheet=self.table.sheet,
            row=self.header_row,
        )


def join_periods(atoms: list[tuple[tuple[int, int], Atom]]) -> list[tuple[tuple[int, int], Atom]]:
    """'2024' over 'Q1' over 'Male': the year and the quarter are one period."""
    out: list[tuple[tuple[int, int], Atom]] = []
    for slot, atom in atoms:
        if out and out[-1][1].fields == {"period"} and atom.kind in (TEXT, VALUE):
            joined = f"{out[-1][1].text} {atom.text}"
            if is_period(joined):
                out[-1] = (out[-1][0], Atom(VALUE, joined, frozenset({"period"})))
                continue
        out.append((slot, atom))
    return out
