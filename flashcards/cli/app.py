"""The Typer app and the one error funnel every command goes through."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Annotated, ParamSpec, TypeVar

import typer

from flashcards.errors import K8sprepError

app = typer.Typer(
    name="k8sprep",
    help="Turn Kubernetes tutorial chapters into spaced-repetition flashcards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(wanted: bool) -> None:
    if wanted:
        from flashcards import __version__

        typer.echo(f"k8sprep {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Turn Kubernetes tutorial chapters into spaced-repetition flashcards."""


P = ParamSpec("P")
R = TypeVar("R")


def fail_cleanly(command: Callable[P, R]) -> Callable[P, R]:
    """Turn library errors into ``k8sprep: <message>`` on stderr and exit 1.

    Ctrl-C exits 130 with a short note; nothing is half-written because every
    write in the library is its own transaction.
    """

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except K8sprepError as error:
            for line in str(error).splitlines() or [type(error).__name__]:
                typer.echo(f"k8sprep: {line}", err=True)
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            typer.echo("k8sprep: interrupted", err=True)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            sys.stderr.close()
            raise typer.Exit(0) from None

    return wrapper
