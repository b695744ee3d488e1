"""Command line: ``jmgeo build``, ``check``, ``ingest`` and ``export``, thin wrappers over library functions."""

from __future__ import annotations

import argparse
import re
import sys

from . import __version__
from ._errors import DataError, JmgeoError
from ._tally import RecordTally

__all__ = ["main"]

_DESCRIPTION = """\
jmgeo: the Jiangmen (江门) atlas. Districts, industrial parks, logistics hubs,
corridors, freight routes and sites, annotated with cited facts from the source
documents, as an offline Leaflet map, GeoJSON and GeoPackage.

exit status: 0 done; 1 problems found (check) or the outputs could not be
written; 2 the input or the command is wrong (bad data, an unreadable file, a
wrong option), said in one message; 3 done in part (ingest: some inputs could
not be read and were skipped, each named with its reason; the rest is written)."""


def _add_layer_option(command, what: str) -> None:
    """``--layer FILE[|layername=TABLE][:NAME][@DATUM]`` for ``build`` and ``export``: one option, read one way."""
    command.add_argument(
        "--layer",
        dest="layers",
        action="append",
        metavar="FILE[|layername=TABLE][:NAME][@DATUM]",
        help="add a layer of your own from any vector file OGR reads (Shapefile, GeoPackage, GeoJSON ...), "
        "streamed with fiona; repeat for several. NAME is its id (snake_case, default from the file name); "
        "DATUM the datum of its longitude/latitude: WGS84 (default), GCJ-02 (Amap, Tencent) or BD-09 (Baidu), "
        "converted to WGS84 on load. A file of several layers (a GeoPackage's tables) needs one chosen, "
        "QGIS's way: 'roads.gpkg|layername=roads' (quote it for the shell); the error lists them. "
        f"{what}, e.g. --layer shops.shp:my_shops@GCJ-02",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jmgeo", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"jmgeo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--geodata", metavar="DIR", help="geodata folder (default: the project's geodata/, or $JMGEO_GEODATA)"
    )
    common.add_argument(
        "--docs",
        metavar="DIR",
        help="source documents folder, for checking quotes (default: $JMGEO_DOCS or ../shared/seeds)",
    )

    build = sub.add_parser(
        "build",
        parents=[common],
        help="write the map pages, one GeoJSON per layer and a GeoPackage",
        description="Validate geodata, then write the map pages listed in geodata/pages.json (OUT/jiangmen.html, "
        "the logistics, industry and heritage theme maps, the districts choropleth and the story; each "
        "self-contained and working offline), OUT/geojson/<layer>.geojson (RFC 7946) and OUT/jiangmen.gpkg "
        "(every layer + a facts table, each layer styled as on the web map, and the atlas as a QGIS project); "
        "with --static also a "
        "static image of each map for reports "
        "(OUT/<page>.png/.svg/.pdf: Chinese labels, scale bar). "
        "Nothing is written if the data has problems; each file is replaced atomically.",
    )
    build.add_argument("--out", metavar="DIR", default="maps", help="output folder (default: maps)")
    build.add_argument(
        "--static",
        action="store_true",
        help="also draw each map as PNG, SVG and PDF for reports (slow: 5-10 s per map)",
    )
    _add_layer_option(
        build,
        "Drawn on the main page (legend, search; a canvas when large) and written with the rest "
        "(GeoJSON, GeoPackage). A bad file or feature stops the build with one message naming it (exit 2)",
    )
    build.add_argument("-q", "--quiet", action="store_true", help="print only the paths written")

    sub.add_parser(
        "check",
        parents=[common],
        help="validate geodata/ and list every problem with its file and record",
        description="Validate every file in geodata/: records, coordinates, references, facts and their "
        "quotes against the documents. Prints every problem; exits 1 if there is any.",
    )
    _add_ingest_parser(sub, common)
    _add_export_parser(sub, common)
    return parser


#: jmgeo._formats.FORMATS, written out so that --help does not import geopandas (a test keeps them equal).
EXPORT_FORMATS = ("shapefile", "flatgeobuf", "geoparquet", "csv")

_EXPORT_HELP = """\
Validate geodata, then export every layer and the facts to other GIS formats, each in
its own folder under OUT. Nothing is cut or dropped silently: what a format cannot hold
as it is goes somewhere it can be found, and a note on standard error says where.

  shapefile   OUT/shapefile/<layer>.shp, one file per geometry type where a layer mixes
              them (industrial_parks_points.shp, industrial_parks_polygons.shp);
              UTF-8 with a .cpg; field names cut to 10 bytes, mapped back in fields.csv;
              text longer than 254 bytes whole in long_text.csv; the facts as facts.dbf
  flatgeobuf  OUT/flatgeobuf/<layer>.fgb, with a spatial index (features in its order);
              no facts (FlatGeobuf needs a geometry)
  geoparquet  OUT/geoparquet/<layer>.parquet and facts.parquet; lists stay lists
              (needs pyarrow: pip install 'jmgeo[parquet]')
  csv         OUT/csv/facts.csv and feature_facts.csv (feature_id, fact_id), UTF-8

Lists (aliases, fact_ids ...) become JSON text where a format has no list type. Layers
of your own (--layer, as in jmgeo build) are exported beside the atlas's, read a chunk
at a time. All files are replaced together, or none.

examples:
  jmgeo export
  jmgeo export --format shapefile --format csv --out gis/
  jmgeo export --layer shops.shp:my_shops@GCJ-02"""


def _add_export_parser(sub, common) -> None:
    export = sub.add_parser(
        "export",
        parents=[common],
        help="export the layers and facts to Shapefile, FlatGeobuf, GeoParquet and CSV",
        description=_EXPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--out", metavar="DIR", default="exports", help="output folder (default: exports)")
    export.add_argument(
        "--format",
        dest="formats",
        action="append",
        choices=EXPORT_FORMATS,
        metavar="FORMAT",
        help=f"a format to write; repeat for several (default: all: {', '.join(EXPORT_FORMATS)})",
    )
    _add_layer_option(
        export,
        "Exported with the rest to every format but csv, a chunk at a time. A bad file or feature stops "
        "the export with one message naming it (exit 2)",
    )
    export.add_argument("-q", "--quiet", action="store_true", help="print only the paths written, no notes")


_INGEST_HELP = """\
Read Chinese documents (files, folders of *.txt, or - for standard input) and write a
review table of the amounts they state, each paired with the place it is about:

  OUT.csv            the review table: doc, span, quote, number_text, value, unit, year,
                     feature_ids, confidence ... and an empty `accept` column for you
  OUT.jsonl.gz       the full record (JSON Lines, gzip; each quote once): rows, documents,
                     mentions, candidates
  OUT.mentions.csv   every place name found (doc, span, feature ids)
  OUT.candidates.csv place-like names not in geodata/ (…港 …站 …园区 …镇), to add

Spans are character offsets into the document with all whitespace removed (see
geodata/SCHEMA.md). Encodings: UTF-8, GB18030/GBK, Big5/Big5-HKSCS, UTF-16 with BOM,
detected and checked as Chinese text; traditional characters are matched as
simplified, quotes keep the original. geodata/ is only read. An input that cannot be
read (empty, binary, unknown encoding, a bad byte) is skipped with its reason and the
others are written; the exit status is then 3. --workers N reads the files in N
processes, --dask on a local Dask cluster, --scheduler ADDRESS on a running one: the
outputs are the same, byte for byte, as from one process.

After review, mark rows with y in `accept` and run
  jmgeo ingest --merge OUT.csv
to add them to geodata/facts/ (checked like `jmgeo check`, never duplicating a fact).

examples:
  jmgeo ingest articles/ --out review.csv
  jmgeo ingest articles/ --dask --workers 4
  jmgeo ingest new.txt --date 2025-03
  cat new.txt | jmgeo ingest - --stdin-name new.txt
  jmgeo ingest --merge review.csv"""


def _add_ingest_parser(sub, common) -> None:
    ingest = sub.add_parser(
        "ingest",
        parents=[common],
        help="read Chinese documents into a review table of facts and places",
        description=_INGEST_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ingest.add_argument(
        "paths", nargs="*", metavar="PATH", help="files, folders (every *.txt below) or - for standard input"
    )
    ingest.add_argument(
        "--out",
        metavar="FILE",
        default="review.csv",
        help="review table to write; .json/.mentions.csv/.candidates.csv go beside it (default: review.csv)",
    )
    ingest.add_argument(
        "--date",
        metavar="YYYY[-MM]",
        help="publication date of the inputs, for 今年/去年 and present-tense figures "
        "(default: geodata/documents.json for known files, else unknown and flagged)",
    )
    ingest.add_argument(
        "--stdin-name",
        metavar="NAME",
        default="stdin.txt",
        help="document name to cite for standard input (default: stdin.txt)",
    )
    ingest.add_argument(
        "--merge",
        metavar="REVIEW",
        help="instead of reading documents, add the accepted rows of this review table (CSV or JSON) to geodata/facts/",
    )
    ingest.add_argument(
        "--workers",
        metavar="N",
        type=int,
        default=None,
        help="read the files in N local processes (default 1; with --dask, N workers, default one per core); "
        "the outputs are the same as with one",
    )
    ingest.add_argument(
        "--dask",
        action="store_true",
        help="read the files on a local Dask cluster (needs the dask extra: pip install 'jmgeo[dask]')",
    )
    ingest.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="read the files on a running Dask cluster (tcp://host:8786) whose workers see the same paths",
    )
    ingest.add_argument("--dry-run", action="store_true", help="with --merge: check everything, write nothing")
    ingest.add_argument("-q", "--quiet", action="store_true", help="no progress bar; print only the paths written")


def _run_ingest(args) -> int:
    if args.merge:
        if args.paths:
            raise DataError("ingest", None, "give either documents to read or --merge REVIEW, not both")
        from ._ingest import merge_review  # deferred, like every command's module: see main()

        result = merge_review(args.merge, geodata_dir=args.geodata, docs_dir=args.docs, dry_run=args.dry_run)
        for where, fid in result.duplicates:
            print(f"skipped {args.merge} {where}: already in geodata as {fid}", file=sys.stderr)
        for path in result.written:
            print(path)
        verb = "would add" if args.dry_run else "added"
        print(
            f"{result.accepted} accepted row(s): {verb} {len(result.added)} fact(s), "
            f"{len(result.duplicates)} duplicate(s) skipped",
            file=sys.stderr,
        )
        # every run accounts for its records: an accepted row is added or skipped as a duplicate
        tally = RecordTally()
        tally.count(
            "accepted rows",
            read=result.accepted,
            written=len(result.added),
            rejected=result.accepted - len(result.added),
        )
        print(tally.summary(written_label="added"), file=sys.stderr)
        return 0
    if not args.paths:
        raise DataError(
            "ingest", None, "nothing to read: give files, folders, or - for standard input (see jmgeo ingest --help)"
        )
    if args.workers is not None and args.workers < 1:
        raise DataError("--workers", None, f"{args.workers} is not a number of processes: give 1 or more")
    year = None
    if args.date:
        m = re.fullmatch(r"(\d{4})(?:-\d{1,2}(?:-\d{1,2})?)?", args.date.strip())
        if not m:
            raise DataError("--date", None, f"{args.date!r} is not a date like 2024 or 2024-08")
        year = int(m.group(1))
    from ._ingest import ingest  # deferred: see main()

    result = ingest(
        args.paths,
        args.out,
        date_year=year,
        geodata_dir=args.geodata,
        stdin_name=args.stdin_name,
        progress=not args.quiet,
        workers=args.workers,
        dask=args.scheduler or ("local" if args.dask else None),
    )
    for path in result.paths.values():
        print(path)
    for skipped in result.skipped:  # named even with --quiet: the run is partial
        print(f"jmgeo ingest: skipped {skipped.reason}", file=sys.stderr)
    if not args.quiet:
        for d in result.documents:
            note = f", {d.repeated_sentences} repeated sentence(s) counted once" if d.repeated_sentences else ""
            year_note = f"year {d.year} ({d.year_from})" if d.year else "year unknown (give --date)"
            print(
                f"{d.doc}: {d.encoding}, {d.sentences} sentence(s){note}, {d.rows} amount(s), "
                f"{d.mentions} place mention(s), {year_note}",
                file=sys.stderr,
            )
        print(
            f"{result.rows} row(s) to review, {result.mentions} place mention(s), "
            f"{result.candidates} candidate place name(s)",
            file=sys.stderr,
        )
    # every run accounts for its records: a sentence is read once, a repeated one is set aside
    tally = RecordTally()
    for d in result.documents:
        tally.count(
            "sentences", read=d.sentences, written=d.sentences - d.repeated_sentences, rejected=d.repeated_sentences
        )
    print(tally.summary(written_label="used") + " (rejected: repeated sentences, counted once)", file=sys.stderr)
    if result.skipped:
        print(
            f"jmgeo ingest: done in part: {len(result.skipped)} of {len(result.skipped) + len(result.documents)} "
            "input(s) skipped (named above), the others written",
            file=sys.stderr,
        )
        return 3
    return 0


def _read_layers(arguments: list[str], log) -> list:
    """``--layer FILE[|layername=TABLE][:NAME][@DATUM]`` each read into an ExtraLayer.

    The first bad one raises DataError."""
    if not arguments:
        return []
    from ._user_layers import parse_layer_argument, read_layer  # deferred: see main()

    extras = []
    for argument in arguments:
        path, name, datum = parse_layer_argument(argument)
        if log:
            log(f"reading your layer {path} ({datum}) ...")
        extras.append(read_layer(path, layer_id=name, datum=datum))
        if log:
            log(f"  {extras[-1].id}: {len(extras[-1])} feature(s)")
    return extras


def main(argv: list[str] | None = None) -> int:
    """Run the jmgeo command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    tally = RecordTally()
    try:
        if args.command == "build":
            # Each command's module is imported when the command runs (deferred): ``jmgeo --help``
            # and a mistyped command answer without loading geopandas, folium and pyogrio (~1.2 s).
            from ._build import build_atlas

            log = None if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
            try:
                extras = _read_layers(args.layers or [], log)
                paths = build_atlas(
                    args.out,
                    geodata_dir=args.geodata,
                    docs_dir=args.docs,
                    log=log,
                    static=args.static,
                    tally=tally,
                    extra_layers=extras,
                )
            except (JmgeoError, OSError) as exc:
                # every run accounts for its records, also when it stops
                what = "cannot write the outputs" if isinstance(exc, OSError) else "stopped"
                print(f"jmgeo build: {what}: {exc}", file=sys.stderr)
                print(f"{tally.summary()}; nothing was written, earlier outputs are unchanged", file=sys.stderr)
                return 1 if isinstance(exc, OSError) else 2
            for path in paths:
                print(path)
            print(tally.summary(), file=sys.stderr)
            return 0
        if args.command == "check":
            from ._loading import check_geodata  # deferred: see above

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
        if args.command == "ingest":
            return _run_ingest(args)
        if args.command == "export":
            from ._formats import export_atlas  # deferred: see above

            log = None if args.quiet else (lambda m: print(m, file=sys.stderr, flush=True))
            try:
                result = export_atlas(
                    args.out,
                    args.formats or EXPORT_FORMATS,
                    geodata_dir=args.geodata,
                    docs_dir=args.docs,
                    extra_layers=_read_layers(args.layers or [], log),
                )
            except OSError as exc:
                print(f"jmgeo export: cannot write the outputs: {exc}; earlier outputs are unchanged", file=sys.stderr)
                return 1
            for path in result.paths:
                print(path)
            if not args.quiet:
                for note in result.notes:
                    print(f"note: {note}", file=sys.stderr)
            return 0
    except JmgeoError as exc:
        # A user's mistake (bad data, a wrong argument): one clear message, never a traceback.
        print(f"jmgeo {args.command}: {exc}", file=sys.stderr)
        return 2
    parser.error(f"unknown command {args.command}")
    return 2
