"""`metrics [--since 7d] [--tz ZONE] [--json]`, `metrics prune --older-than 400d` and
`metrics rollup --since 90d`."""

from __future__ import annotations

from datetime import datetime

import click

from reelmatch.cli.context import AppContext, emit_json, emit_table, json_option
from reelmatch.domain.formatting import format_kpi
from reelmatch.services.analytics import OPERATOR, Kpi, Period, parse_days


@click.group(invoke_without_command=True)
@click.option("--since", default="7d", show_default=True, help="Days to cover: 7d, 30d, 2w.")
@click.option("--tz", "timezone", default="UTC", show_default=True, help="Time zone of days.")
@click.option(
    "--end",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Last day covered, YYYY-MM-DD (default: today).",
)
@json_option
@click.pass_context
def metrics(
    ctx: click.Context, since: str, timezone: str, end: datetime | None, as_json: bool
) -> None:
    """The KPI table (the Analytics page's tiles) for the last days, with the period before."""
    if ctx.invoked_subcommand is not None:
        return
    app = ctx.ensure_object(AppContext)
    period = Period.last(
        parse_days(since), timezone=timezone, today=end.date() if end is not None else None
    )
    kpis = app.services.analytics.kpis(OPERATOR, period)
    if as_json:
        emit_json(
            {
                "period": {"start": period.start, "end": period.end, "timezone": timezone},
                "previous": {"start": period.previous().start, "end": period.previous().end},
                "kpis": [kpi.as_dict() for kpi in kpis],
            }
        )
        return
    click.echo(
        f"{period.start} – {period.end} ({timezone}), compared with the {period.days} days before"
    )
    emit_table(
        ["kpi", "value", "previous", "change"],
        [
            (
                k.label,
                format_kpi(k, k.value, plain=True),
                format_kpi(k, k.previous, plain=True),
                _change(k),
            )
            for k in kpis
        ],
    )


@metrics.command("prune")
@click.option("--older-than", "older_than", default="400d", show_default=True)
@json_option
@click.pass_obj
def prune(app: AppContext, older_than: str, as_json: bool) -> None:
    """Roll events older than this into daily aggregates and delete them."""
    result = app.services.analytics.prune(OPERATOR, older_than_days=parse_days(older_than))
    if as_json:
        emit_json(
            {
                "cutoff": result.cutoff,
                "events_removed": result.events_removed,
                "rollup_rows": result.rollup_rows,
            }
        )
        return
    click.echo(
        f"Rolled {result.events_removed} events from before {result.cutoff:%Y-%m-%d} "
        f"into {result.rollup_rows} daily rows."
    )


@metrics.command("rollup")
@click.option("--since", default="90d", show_default=True, help="UTC days to rebuild: 90d, 2w.")
@json_option
@click.pass_obj
def rollup(app: AppContext, since: str, as_json: bool) -> None:
    """Rebuild the hourly analytics rollups of the last days from raw events (safe to rerun)."""
    result = app.services.analytics.rollup(OPERATOR, since_days=parse_days(since))
    if as_json:
        emit_json(
            {
                "start": result.start,
                "stop": result.stop,
                "days_rebuilt": result.days_rebuilt,
                "rows_written": result.rows_written,
            }
        )
        return
    if result.start is None or result.stop is None:
        click.echo("Nothing to roll up: no complete hour since the pruned days.")
        return
    click.echo(
        f"Rebuilt {result.days_rebuilt} days ({result.rows_written} rows); the rollups now hold "
        f"{result.start:%Y-%m-%d %H:%M} – {result.stop:%Y-%m-%d %H:%M} UTC."
    )


def _plain(kpi: Kpi, value: float | None) -> str:
    return format_kpi(kpi, value, plain=True)


def _change(kpi: Kpi) -> str:
    return "–" if kpi.change is None else f"{kpi.change:+.0%}"
