"""Calendar arithmetic: anniversaries land on the same calendar day, and 29 February becomes 28 February."""

from datetime import date


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day`, counting a birthday with the same rule as `add_years`."""
    years = day.year - birth_date.year
    if add_years(birth_date, years) > day:
        years -= 1
    return years
