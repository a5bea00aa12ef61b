"""One memory budget for every array an analysis is about to allocate."""
from __future__ import annotations

MEMORY_BUDGET = 2 * 1024**3  # bytes; change with dynanalysis.budget.MEMORY_BUDGET = ...


def check(nbytes: float, what: str, hint: str, budget: float | None = None) -> None:
    """Raise ``ValueError`` if ``nbytes`` exceed the budget, saying what to change."""
    limit = MEMORY_BUDGET if budget is None else budget
    if nbytes > limit:
        raise ValueError(f"{what} would need {nbytes / 1024**3:.2f} GiB, over the memory budget of "
                         f"{limit / 1024**3:.2f} GiB; {hint} (or raise "
                         f"dynanalysis.budget.MEMORY_BUDGET)")
