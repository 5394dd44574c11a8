import argparse
import json

from django.core.management.base import BaseCommand

from billing.plans import PLANS
from billing.templatetags.billing import money
from generation.metrics import DEFAULT_DAYS, MAX_DAYS, MONTH_DAYS, Metrics, check_days


def window_days(value: str) -> int:
    """--days: a whole number of days from 1 to MAX_DAYS."""
    try:
        return check_days(int(value))
    except ValueError:
        raise argparse.ArgumentTypeError(f"give a whole number of days from 1 to {MAX_DAYS}, not {value!r}") from None


def percent(fraction: float) -> str:
    return f"{fraction:.1%}"


class Command(BaseCommand):
    help = (
        "Founder metrics from Stripe's mirror and the generation log: MRR, paying customers, conversion, churn, "
        "daily limit hits and the upgrades after them, model cost and margin per plan, the costliest users. "
        "--json prints them as one JSON object (money in integer cents of USD; see docs/metrics.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=window_days,
            default=DEFAULT_DAYS,
            metavar="N",
            help=f"The window: the last N days (default {DEFAULT_DAYS}).",
        )
        parser.add_argument(
            "--json", action="store_true", dest="as_json", help="Print one JSON object instead of a report."
        )

    def handle(self, *args, days=DEFAULT_DAYS, as_json=False, **options):
        metrics = Metrics(days)
        figures = metrics.figures()
        if as_json:
            self.stdout.write(json.dumps(figures, indent=2))
        else:
            self.report(metrics, figures)

    def report(self, metrics, figures):
        write = self.stdout.write
        span = f"{metrics.start:%Y-%m-%d %H:%M} to {metrics.now:%Y-%m-%d %H:%M} UTC"
        write(f"Founder metrics, last {metrics.days} days ({span})")
        sections = {
            "Revenue": [
                ("MRR", money(figures["mrr"])),
                ("ARR", money(figures["arr"])),
                ("Paying customers", figures["paying_customers"]),
                ("ARPU", money(figures["arpu"])),
                ("Trialing", figures["trialing"]),
                ("Past due", figures["past_due"]),
            ],
            "Growth": [
                ("Signups", figures["signups"]),
                ("Free to paid", f"{figures['free_to_paid']} ({percent(figures['free_to_paid_rate'])} of signups)"),
                ("New subscriptions", figures["new_subscriptions"]),
                ("Trial conversions", figures["trial_conversions"]),
                ("Churned", figures["churned"]),
            ],
            "Daily limit": [
                ("Limit hits", figures["limit_hits"]),
                (
                    "Upgrades after limit",
                    f"{figures['upgrades_after_limit']} "
                    f"({percent(figures['upgrades_after_limit_share'])} of new subscriptions)",
                ),
            ],
        }
        for title, rows in sections.items():
            write(f"\n{title}")
            for label, value in rows:
                write(f"  {label:<22}{value}")
        scaled = f"usage scaled to {MONTH_DAYS} days, " if metrics.days != MONTH_DAYS else ""
        write(f"\nMargin per plan ({scaled}revenue = the plan's share of MRR)")
        columns = ("Plan", "Users", "Generations", "Input tokens", "Output tokens", "Model cost", "Revenue", "Margin")
        rows = [
            (
                PLANS[code].name,
                f"{row['users']:,}",
                f"{row['generations']:,}",
                f"{row['input_tokens']:,}",
                f"{row['output_tokens']:,}",
                money(row["model_cost"]),
                money(row["revenue"]),
                money(row["margin"]),
                "model costs more than the plan earns" if row["margin"] < 0 else "",
            )
            for code, row in figures["by_plan"].items()
        ]
        self.table((*columns, ""), rows, left={0, 8})
        write("\nHighest model cost")
        if figures["top_cost_users"]:
            self.table(
                ("User", "Plan", "Generations", "Model cost"),
                [
                    (row["email"], row["plan"], f"{row['generations']:,}", money(row["model_cost"]))
                    for row in figures["top_cost_users"]
                ],
                left={0, 1},
            )
        else:
            write("  No generations in the window.")

    def table(self, columns, rows, left):
        """Columns padded to their widest cell; numbers aligned right, the ``left`` columns left."""
        widths = [max(len(str(cell)) for cell in column) for column in zip(columns, *rows, strict=True)]
        for line in (columns, *rows):
            cells = [
                f"{cell:<{width}}" if index in left else f"{cell:>{width}}"
                for index, (cell, width) in enumerate(zip(line, widths, strict=True))
            ]
            self.stdout.write(("  " + "  ".join(cells)).rstrip())
