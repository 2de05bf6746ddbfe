"""The Typer app and the one error funnel every command goes through."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from flashcards.errors import K8sprepError
from flashcards.parse.controls import strip_controls

try:  # typer >= 0.26 carries its own copy of click
    from typer._click.exceptions import ClickException
except ImportError:  # pragma: no cover - older typer uses click itself
    from click.exceptions import ClickException  # type: ignore[import-not-found,no-redef,unused-ignore]


class OneLineUsageErrors(TyperGroup):
    """Usage mistakes (unknown flag, bad value, missing argument) end in one line too.

    Typer draws them as a boxed panel with the usage above it; a user who typed
    ``--new -3`` should get the same one ``k8sprep: ...`` line as for any other
    mistake, with Click's exit code 2 kept for scripts.
    """

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with _one_line_usage_error():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with _one_line_usage_error(), _one_line_library_errors():
            return super().invoke(ctx)


@contextlib.contextmanager
def _one_line_usage_error() -> Iterator[None]:
    try:
        yield
    except ClickException as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # bare `k8sprep`: the help it is
            raise
        message = " ".join(error.format_message().split())
        context = getattr(error, "ctx", None)
        if context is not None:
            message += f" Try '{context.command_path} --help' for help."
        typer.echo(f"k8sprep: {message}", err=True)
        raise typer.Exit(error.exit_code) from None


app = typer.Typer(
    cls=OneLineUsageErrors,
    name="k8sprep",
    help="Turn Kubernetes tutorial chapters into spaced-repetition flashcards.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # `-h` as well as `--help`, here and (inherited by every context) on each subcommand.
    context_settings={"help_option_names": ["-h", "--help"]},
    # Plain help: rich help loads a Markdown parser and doubles `k8sprep --help`'s time.
    rich_markup_mode=None,
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


@contextlib.contextmanager
def _one_line_library_errors() -> Iterator[None]:
    """The one error funnel: every command, and every command added later, runs inside it.

    A library error becomes ``k8sprep: <message>`` on stderr and exit 1; Ctrl-C exits
    130 with a short note (nothing is half-written: every write in the library is its
    own transaction); a closed pipe (``k8sprep history | head``) ends quietly; any
    other error of the system (a full disk under the output) is one line and exit 1.
    """
    try:
        yield
    except K8sprepError as error:
        for line in str(error).splitlines() or [type(error).__name__]:
            typer.echo(f"k8sprep: {strip_controls(line)}", err=True)
        raise typer.Exit(1) from None
    except KeyboardInterrupt:
        typer.echo("k8sprep: interrupted", err=True)
        raise typer.Exit(130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise typer.Exit(0) from None
    except OSError as error:  # where no command expected one: the output's disk is full
        where = f"{error.filename}: " if error.filename else ""
        typer.echo(f"k8sprep: {strip_controls(where + (error.strerror or str(error)))}", err=True)
        raise typer.Exit(1) from None
