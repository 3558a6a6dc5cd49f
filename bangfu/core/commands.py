"""Management commands that office staff run: --help and output in the installation's
language (``LANGUAGE_CODE``, Chinese by default), like the pages.

Django words its own options for developers (--settings, --traceback, --verbosity…) in
English only; an ``OfficeCommand`` hides them from its help (they are still accepted) and
words argparse's headings through our catalogue.
"""

import argparse

from django.core.management.base import BaseCommand, DjangoHelpFormatter
from django.utils.translation import gettext as _

DJANGO_OPTIONS = {
    "--version",
    "--verbosity",
    "--settings",
    "--pythonpath",
    "--traceback",
    "--no-color",
    "--force-color",
}


class _Formatter(DjangoHelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix=_("usage: ") if prefix is None else prefix)


class OfficeCommand(BaseCommand):
    """A command whose help is ``describe()`` and whose arguments' help is translated (the
    catalogue is read when the parser is made, not when the module is imported)."""

    suppressed_base_arguments = DJANGO_OPTIONS

    def describe(self) -> str:
        raise NotImplementedError

    def create_parser(self, prog_name, subcommand, **kwargs):
        self.help = self.describe()
        kwargs.setdefault("formatter_class", _Formatter)
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser._positionals.title = _("arguments")
        parser._optionals.title = _("options")
        for action in parser._actions:
            if "-h" in action.option_strings:
                action.help = _("show this help and exit")
            elif "--skip-checks" in action.option_strings:
                action.help = argparse.SUPPRESS
        return parser
