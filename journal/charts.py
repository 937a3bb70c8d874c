"""Small charts drawn on the server as SVG, readable without JavaScript."""

from dataclasses import dataclass
from datetime import date, timedelta

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 320, 160, 28, 8, 10, 24


@dataclass(frozen=True)
class Point:
    """One check-in on the chart."""

    x: float
    y: float
    day: date
    support: int


@dataclass(frozen=True)
class Chart:
    """Coordinates for the template to draw: points, the line through them, and the axes."""

    width: int
    height: int
    points: list[Point]
    path: str
    y_ticks: list[tuple[float, int]]
    x_labels: list[tuple[float, str]]
    summary: str


def support_chart(items, days: int, today: date) -> Chart:
    """Check-ins (objects with ``day`` and ``support``) over the last ``days`` days."""
    start = today - timedelta(days=days - 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x_of(day: date) -> float:
        return round(LEFT + plot_w * (day - start).days / max(days - 1, 1), 1)

    def y_of(value: int) -> float:
        return round(TOP + plot_h * (5 - value) / 4, 1)

    points = [Point(x_of(i.day), y_of(i.support), i.day, i.support) for i in items]
    path = " ".join(f"{'M' if n == 0 else 'L'}{p.x},{p.y}" for n, p in enumerate(points))
    labels = [(x_of(start), f"{start.day} {start:%b}"), (x_of(today), f"{today.day} {today:%b}")]
    if points:
        average = sum(p.support for p in points) / len(points)
        summary = (f"{len(points)} check-in{'s' if len(points) != 1 else ''} in the last "
                   f"{days} days, averaging {average:.1f} out of 5.")
    else:
        summary = f"No check-ins in the last {days} days."
    return Chart(WIDTH, HEIGHT, points, path, [(y_of(v), v) for v in range(1, 6)], labels,
                 summary)
