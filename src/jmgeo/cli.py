"""Command line: ``jmgeo build`` and ``jmgeo check``, thin wrappers over library functions."""

from __future__ import annotations

import argparse
import sys

from . import __version__

__all__ = ["main"]

_DESCRIPTION = """\
jmgeo: the Jiangmen (江门) atlas. Districts, industrial parks, logistics hubs,
corridors, freight routes and sites, annotated with cited facts from the source
documents, as an offline Leaflet map, GeoJSON and GeoPackage."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="jmgeo", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"jmgeo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--geodata", metavar="DIR", help="geodata folder (default: the project's geodata/, or $JMGEO_GEODATA)")
    common.add_argument("--docs", metavar="DIR", help="source documents folder, for checking quotes (default: $JMGEO_DOCS or ../shared/seeds)")

    build = sub.add_parser(
        "build",
        parents=[common],
        help="write the map page, one GeoJSON per layer and a GeoPackage",
        description="Validate geodata, then write OUT/jiangmen.html (self-contained, works offline), "
        "OUT/geojson/<layer>.geojson (RFC 7946) and OUT/jiangmen.gpkg (every layer + a facts table). "
        "Nothing is written if the data has problems; each file is replaced atomically.",
    )
    build.add_argument("--out", metavar="DIR", default="maps", help="output folder (default: maps)")
    build.add_argument("--no-tiles", action="store_true", help="no base map tile layer (vector layers only)")
    build.add_argument("-q", "--quiet", action="store_true", help="print only the paths written")

    sub.add_parser(
        "check",
        parents=[common],
        help="validate geodata/ and list every problem with its file and record",
        description="Validate every file in geodata/: records, coordinates, references, facts and their "
        "quotes against the documents. Prints every problem; exits 1 if there is any.",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the jmgeo command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    from .accounting import RecordTally
    from .errors import JmgeoError

    tally = RecordTally()
    try:
        if args.command == "build":
            from .build import build_atlas

            log = None if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
            try:
                paths = build_atlas(args.out, geodata_dir=args.geodata, docs_dir=args.docs, tiles=None if args.no_tiles else "OpenStreetMap", log=log, tally=tally)
            except (JmgeoError, OSError) as exc:
                # every run accounts for its records, also when it stops
                what = "cannot write the outputs" if isinstance(exc, OSError) else "stopped"
                print(f"jmgeo build: {what}: {exc}", file=sys.stderr)
                print(f"{tally.summary()}; nothing was written, earlier outputs are unchanged", file=sys.stderr)
                return 1
            for path in paths:
                print(path)
            print(tally.summary(), file=sys.stderr)
            return 0
        if args.command == "check":
            from .validate import check_geodata

            report = check_geodata(args.geodata, args.docs)
            for note in report.notes:
                print(f"note: {note}", file=sys.stderr)
            for repair in report.repairs:
                print(f"repaired: {repair}")
            if report.problems:
                for problem in report.problems:
                    print(problem)
                print(report.tally.summary(written_label="valid"))
                print(f"{len(report.problems)} problem(s)", file=sys.stderr)
                return 1
            print("geodata OK: " + ", ".join(f"{k} {v}" for k, v in report.counts.items()))
            print(report.tally.summary(written_label="valid"))
            return 0
    except JmgeoError as exc:
        print(f"jmgeo {args.command}: {exc}", file=sys.stderr)
        return 1
    parser.error(f"unknown command {args.command}")
    return 2
