"""A transparent, rule-based narrative coder, and its validation against narratives labelled by reading.

The codebook (``data/codebook.csv``, versioned; the coding manual ``docs/codebook.md`` defines each
code) lists per code its patterns and the rules that stop a pattern from counting. Each narrative is
cut into sentences, and each sentence into clauses (at commas, colons, semicolons and words such as
"but", "because", "although"). A code is assigned when one of its patterns matches a sentence and

- the match is not *negated*: none of the code's negation cues stands in the same clause, at most
  :data:`NEGATION_WINDOW` words before it ("no damage", "was not late"; "no tracking number, and
  the glass was broken" is not negated: the cue is in another clause);
- the match is not inside a *context exclusion*: a phrase that uses the pattern's words for
  something else ("late payment", "never received a refund", "not received a response");
- the match is not *company language*, for codes that describe what the consumer says happened
  (``company_language = excluded``): what the merchant, bank or "they" said, stated, claimed or
  wrote, in reported speech or in quotation marks after such a verb, is not the consumer's claim;
- no *cancel* of the code holds, itself not negated, in the same sentence (``sentence_cancels``)
  or anywhere in the narrative (``narrative_cancels``: "it finally arrived" cancels non-delivery;
  charges the consumer never made cancel the goods codes).

Two relations between codes: a state ended by a later event (``superseded_by``: a refund pending
is not coded when a denial comes in a later sentence than the last pending one, the manual's
"latest status"), and codes implied by others (``implied_by``: a denied refund was sought; shown
as "refund_sought: implied by refund_denied" where it has no phrase of its own).

Every regular expression runs in one engine, RE2 (through pyarrow: :mod:`ta_analysis.textops`),
for detection and for the matched phrases alike, so every coded record shows the phrases that
coded it, non-ASCII text included. Every output carries :data:`CODEBOOK_VERSION`.

:func:`validate` measures the coder against the human labels (precision, recall, F1 and Cohen's
kappa per code, with 95% intervals); the headline is the held-out part of the real CFPB
development data, never read while the patterns were written. :func:`code_status` says, per code,
whether it met the targets there (:data:`TARGETS`); every output that shows codes marks the ones
that did not.

Examples:
    >>> import pandas as pd
    >>> c = code_narratives(pd.Series(["Ordered on Alibaba. It never arrived and my refund was denied."]))
    >>> c.loc[0, "codes"]
    'non_delivery;refund_sought;refund_denied;marketplace_named'
    >>> c.loc[0, "matched_phrases"]
    'non_delivery: never arrived | refund_sought: refund | refund_denied: refund was denied | marketplace_named: Alibaba'
    >>> code_narratives(pd.Series(["The seller stated that the item was damaged in transit."])).loc[0, "codes"]
    ''
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ta_analysis import textops
from ta_analysis.config import PACKAGE_DATA, PROJECT_ROOT
from ta_analysis.vocab import read_crosswalk

CODEBOOK_VERSION = "2026.12-1"
# Sentence ends: . ! ? followed by white space, or a line break (CFPB narratives are paragraphs).
SENTENCE_SPLIT = r"(?:[.!?]+[ \t\r\n]+|[\r\n]+)"
# Clause breaks inside a sentence: a comma, semicolon, colon, bracket or dash, these words, and
# "and" or "or" before a new subject (a comma is put before each, so a negation window never
# reaches across one: in "it never arrived and my refund was denied" the "never" is not the denial's).
CLAUSE_WORDS = (r"(?i)[ \t]+((?:but|however|although|though|whereas|because|since|unless|except|while|until|yet|"
                r"instead|otherwise|which|who|so|then|when|after|before|(?:and|or) (?:then|now|so|also|"
                r"i|my|me|we|our|us|it|its|they|their|them|he|his|she|her|the|this|that|these|those|xxxx))\b)")
# A word of the negation window: anything but white space and clause punctuation.
WINDOW_WORD = r"[^\s,;:!?()\[\]\"]+"
NEGATION_WINDOW = 2  # words allowed between a negation cue and the match it negates
# Company language: who speaks, how, and how far their words run (to the end of the clause chain:
# the sentence, or the next "but"/"however"/"although", which start the consumer's words again).
SPEAKER = (r"\b(?:the |their |this |that |a |an |his |her |its |our |my )?(?:merchants?|sellers?|vendors?|suppliers?|"
           r"company|companies|store|retailer|business|shop|website|site|manufacturer|factory|bank|issuer|"
           r"card issuer|creditor|lender|representatives?|reps?|agents?|associates?|supervisor|manager|"
           r"specialist|customer (?:service|support|care)|support|department|team|carrier|xxxx|they|he|she)")
REPORTING = (r"(?:said|says|say|stated|states|state|claimed|claims|claim|insist|allege|told (?:me|us)|tells (?:me|us)|responded|replied|wrote|"
             r"writes|informed (?:me|us)|explained|insisted|insists|alleged|alleges|maintained|maintains|"
             r"asserted|asserts|assured (?:me|us)|advised (?:me|us)|indicated|indicates|argued|argues|"
             r"contended|contends|determined|concluded|stating|claiming|saying|requested that|required that|asked that|demanded that)")
SPEECH_END = r"(\bbut\b|\bhowever\b|\balthough\b|\bthough\b|\byet\b|\bwhich\b|[.!?;\n]|$)"
COMPANY_QUOTE = (rf"(?i){SPEAKER}(?:[ \t]+{WINDOW_WORD}){{0,3}}?[ \t]+{REPORTING}[ \t]*[,:]?[ \t]*(?:that[ \t]+)?"
                 r'"[^"\n]*"')
COMPANY_SPEECH = (rf"(?i)(?:{SPEAKER}(?:[ \t]+{WINDOW_WORD}){{0,3}}?[ \t]+{REPORTING}\b|"
                  r"\b(?:was|were|been|being|am|are) (?:told|informed|advised|assured)\b|"
                  rf"\baccording to[ \t]+{SPEAKER})[^.!?;\n]*?{SPEECH_END}")
QUOTE_MARKS = [(r"[\x{201C}\x{201D}\x{201E}\x{201F}\x{2033}\x{00AB}\x{00BB}]", '"'),
               (r"[\x{2018}\x{2019}\x{201A}\x{201B}\x{2032}\x{00B4}`]", "'"),
               (f"[{textops.MATCH_START}{textops.MATCH_SEP}]", " ")]


@dataclass(frozen=True)
class Code:
    code: str
    company_language: str
    description: str
    patterns: tuple[str, ...]
    negations: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    sentence_cancels: tuple[str, ...] = ()
    narrative_cancels: tuple[str, ...] = ()
    superseded_by: tuple[str, ...] = ()
    implied_by: tuple[str, ...] = ()

    @staticmethod
    def _any(parts: tuple[str, ...]) -> str | None:
        return ("(?i)(?:" + "|".join(f"(?:{p})" for p in parts) + ")") if parts else None

    def _negated(self, target: tuple[str, ...]) -> str | None:
        """A negation cue, then up to :data:`NEGATION_WINDOW` words of its clause, then ``target``."""
        if not (self.negations and target):
            return None
        return (f"{self._any(self.negations)}(?:[ \\t]+{WINDOW_WORD}){{0,{NEGATION_WINDOW}}}[ \\t]+"
                f"{self._any(target)}")

    @property
    def pattern(self) -> str:
        return self._any(self.patterns)

    @property
    def negated(self) -> str | None:
        return self._negated(self.patterns)

    @property
    def exclusion(self) -> str | None:
        return self._any(self.exclusions)

    def cancel(self, scope: str) -> tuple[str | None, str | None]:
        """The cancels of ``scope`` (sentence or narrative), and the same cancels negated."""
        parts = self.sentence_cancels if scope == "sentence" else self.narrative_cancels
        return self._any(parts), self._negated(parts)


@lru_cache(maxsize=1)
def codebook() -> tuple[Code, ...]:
    table = read_crosswalk("codebook.csv")
    split = lambda s: tuple(p.strip() for p in s.split(" || ") if p.strip())  # noqa: E731
    codes = tuple(Code(r.code, r.company_language, r.description, split(r.patterns), split(r.negations),
                       split(r.exclusions), split(r.sentence_cancels), split(r.narrative_cancels),
                       split(r.superseded_by), split(r.implied_by)) for r in table.itertuples())
    language = {c.code: c.company_language for c in codes}
    for c in codes:
        if c.company_language not in ("excluded", "counted"):
            raise ValueError(f"codebook.csv: code {c.code} has company_language {c.company_language!r}; "
                             "use excluded or counted")
        for other in c.implied_by:
            if other not in language:
                raise ValueError(f"codebook.csv: code {c.code} is implied by {other!r}, which is no code")
        for other in c.superseded_by:
            if language.get(other) != c.company_language:
                raise ValueError(f"codebook.csv: code {c.code} is superseded by {other!r}, which is no code "
                                 "with the same company_language")
        for option, pattern in [("pattern", c.pattern), ("negation", c.negated), ("exclusion", c.exclusion),
                                ("cancel", c.cancel("sentence")[1]), ("cancel", c.cancel("narrative")[1])]:
            if pattern:
                textops.check_pattern(pattern, f"codebook.csv: code {c.code}: {option}")
    return codes


CODES = [c.code for c in codebook()]


def code_narratives(text: pd.Series) -> pd.DataFrame:
    """Code each narrative: one boolean column per code, ``codes``, ``matched_phrases``, version.

    Missing narratives get no codes. Each distinct narrative is coded once.
    """
    position, distinct = textops.distinct(text.astype("str"))
    return code_distinct(distinct).iloc[position].set_index(text.index)


def normalise(text: pd.Series) -> pd.Series:
    """Curly quotes and apostrophes made straight ("didn’t" is "didn't"); missing is ''.

    Only the values that are not all ASCII can hold curly quotes, so only they are rewritten.
    """
    out = text.fillna("").astype("str")
    out = textops.replace(out, QUOTE_MARKS[-1][0], QUOTE_MARKS[-1][1])
    wide = ~textops.is_ascii(out)
    if wide.any():
        part = out[wide]
        for pattern, repl in QUOTE_MARKS[:-1]:
            part = textops.replace(part, pattern, repl)
        out = out.copy()
        out[wide] = part
    return out


def without_company_language(text: pd.Series) -> pd.Series:
    """The consumer's own words: quotations and reported speech of the company taken out.

        >>> without_company_language(pd.Series(['The seller said "it shipped. It is on its way." It never came.',
        ...                                     "They claimed it was delivered, but it never arrived."])).tolist()
        ['  It never came.', ' but it never arrived.']
    """
    return textops.replace(textops.replace(text, COMPANY_QUOTE, " "), COMPANY_SPEECH, " \\1")


def _sentences(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Each sentence (clause breaks marked with a comma) and the position of its narrative."""
    marked = textops.replace(textops.replace(text, SENTENCE_SPLIT, "\n"), CLAUSE_WORDS, ", \\1")
    lists = pc.split_pattern(textops.arrow(marked), "\n")
    owner = np.asarray(pc.list_parent_indices(lists))
    flat = pc.list_flatten(lists)
    keep = np.asarray(pc.fill_null(pc.greater(pc.utf8_length(pc.utf8_trim_whitespace(flat)), 0), False))
    sentences = textops._series(flat.filter(pa.array(keep)), pd.Series(index=pd.RangeIndex(int(keep.sum())), dtype="str"))
    return owner[keep], sentences


def _clear(sentences: pd.Series, *patterns: str | None) -> pd.Series:
    for p in patterns:
        if p:
            sentences = textops.replace(sentences, p, " ")
    return sentences


def _found(sentences: pd.Series, pattern: str | None, *remove: str | None) -> np.ndarray:
    """Where ``pattern`` matches once ``remove`` (exclusions, negated matches) are taken out."""
    if not pattern or not len(sentences):
        return np.zeros(len(sentences), dtype=bool)
    candidate = np.flatnonzero(textops.contains(sentences, pattern).to_numpy())
    out = np.zeros(len(sentences), dtype=bool)
    if len(candidate):
        out[candidate] = textops.contains(_clear(sentences.iloc[candidate], *remove), pattern).to_numpy()
    return out


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


def _join(rows: np.ndarray, parts: pd.Series, n: int, sep: str) -> pa.Array:
    """Per narrative 0..n-1, its ``parts`` (``rows`` ascending, in order) joined by ``sep``; '' if none."""
    counts = np.bincount(rows, minlength=n)
    offsets = pa.array(np.concatenate([[0], np.cumsum(counts)]), type=pa.int64())
    values = pa.array(parts.to_numpy(dtype=object), type=pa.large_string())
    return pc.binary_join(pa.LargeListArray.from_arrays(offsets, values), _text(sep))


def _phrases(rows: np.ndarray, lists: pa.Array, prefix: str) -> tuple[np.ndarray, pd.Series]:
    """The narratives with matches (ascending), and for each ``prefix`` and its distinct phrases in order."""
    found = pd.DataFrame({"row": rows[np.asarray(pc.list_parent_indices(lists))],
                          "phrase": pc.list_flatten(lists).to_pandas()}).drop_duplicates()
    first, local = np.unique(found["row"].to_numpy(), return_inverse=True)  # rows are ascending already
    joined = _join(local.reshape(-1), found["phrase"], len(first), "; ")
    joined = pc.binary_join_element_wise(_text(prefix), joined, _text(""))
    return first, pd.Series(joined.to_pandas().to_numpy(), dtype=object)


def code_distinct(text: pd.Series) -> pd.DataFrame:
    """:func:`code_narratives` of text whose values are already distinct (one row each, same index)."""
    n = len(text)
    full = normalise(text)
    units = {"counted": _sentences(full)}
    excluded = [c.pattern for c in codebook() if c.company_language == "excluded"]
    if excluded:  # the consumer's own words, needed only where such a code's pattern is found at all
        some = np.flatnonzero(textops.contains(full, "|".join(excluded)).to_numpy())
        owner, sentences = _sentences(without_company_language(full.iloc[some]))
        units["excluded"] = (some[owner], sentences)
    out = pd.DataFrame(index=text.index)
    hits: dict[str, np.ndarray] = {}
    for c in codebook():
        owner, sentences = units[c.company_language]
        hit = _found(sentences, c.pattern, c.exclusion, c.negated)
        cancel, negated_cancel = c.cancel("narrative")
        if cancel and hit.any():  # looked for only in the narratives with a hit
            coded = np.zeros(n, dtype=bool)
            coded[owner[hit]] = True
            at = np.flatnonzero(coded[owner])
            cancelled = np.zeros(n, dtype=bool)
            cancelled[owner[at][_found(sentences.iloc[at], cancel, c.exclusion, negated_cancel)]] = True
            hit &= ~cancelled[owner]
        cancel, negated_cancel = c.cancel("sentence")
        if cancel and hit.any():
            at = np.flatnonzero(hit)
            hit[at] = ~_found(sentences.iloc[at], cancel, c.exclusion, negated_cancel)
        hits[c.code] = hit
    for c in codebook():  # a state that a later event ends ("pending", then "denied")
        for other in c.superseded_by:
            last = np.full(n, -1)
            np.maximum.at(last, units[c.company_language][0][hits[c.code]], np.flatnonzero(hits[c.code]))
            later = np.full(n, -1)
            np.maximum.at(later, units[c.company_language][0][hits[other]], np.flatnonzero(hits[other]))
            ended = later > last
            hits[c.code] = hits[c.code] & ~ended[units[c.company_language][0]]
    rows = {}
    for c in codebook():
        rows[c.code] = np.zeros(n, dtype=bool)
        rows[c.code][units[c.company_language][0][hits[c.code]]] = True
    phrase_rows, phrase_order, phrase_text = [], [], []
    for k, c in enumerate(codebook()):
        owner, sentences = units[c.company_language]
        hit = hits[c.code]
        own = rows[c.code]
        if hit.any():
            at = np.flatnonzero(hit)
            # the phrases of the hit sentences: the same text, the same engine as the detection
            lists = textops.matches(_clear(sentences.iloc[at], c.exclusion, c.negated), c.pattern)
            where, joined = _phrases(owner[at], lists, c.code + ": ")
            phrase_rows.append(where)
            phrase_order.append(np.full(len(where), k))
            phrase_text.append(joined)
        coded = own.copy()
        for other in c.implied_by:  # "a denied refund was sought": shown as such where no phrase of its own
            implied = rows[other] & ~coded
            coded |= implied
            if implied.any():
                phrase_rows.append(np.flatnonzero(implied))
                phrase_order.append(np.full(int(implied.sum()), k))
                phrase_text.append(pd.Series(f"{c.code}: implied by {other}", index=range(int(implied.sum())), dtype=object))
        out[f"code_{c.code}"] = coded
    # codes: one string per distinct combination of codes
    flags = out.to_numpy(dtype=bool)
    combos, which = np.unique(flags, axis=0, return_inverse=True)
    names = np.array([";".join(c for c, f in zip(CODES, combo) if f) for combo in combos] or [""], dtype=object)
    out["codes"] = pd.Series(names[which.reshape(-1)] if n else [], index=text.index, dtype="str")
    if phrase_rows:
        rows, order = np.concatenate(phrase_rows), np.concatenate(phrase_order)
        sort = np.lexsort((order, rows))  # stable: a code's own phrases before "implied by"
        joined = _join(rows[sort], pd.concat(phrase_text, ignore_index=True).iloc[sort], n, " | ")
        out["matched_phrases"] = pd.Series(joined.to_pandas().to_numpy(), index=text.index, dtype="str")
    else:
        out["matched_phrases"] = pd.Series("", index=text.index, dtype="str")
    out["codebook_version"] = CODEBOOK_VERSION
    return out


# ---------------------------------------------------------------------------------------------
# Development data and labels

LABELLED_DIR = PROJECT_ROOT / "data" / "labelled"
DEV_FILE = "cfpb_purchase_dev.csv"
SPLIT_FILE = "cfpb_purchase_dev_split.csv"
DEV_SPLIT_SEED = 20261203
DEV_HELD_OUT_SHARE = 0.35
# Whose labels are the human truth for each part of the real development data.
LABEL_FILES = {"held_out": "labels_held_out.csv", "tuning": "labels_tuning.csv"}
SECOND_LABELS = "labels_second.csv"
# The targets of issue 20, on the held-out real part, for codes with at least MIN_SUPPORT positives.
TARGETS = {"precision": 0.85, "recall": 0.75, "kappa": 0.70}
MIN_SUPPORT = 10
VALIDATION_FILE = "coder_validation.csv"
SETS = {  # set -> (what it is, seen while the patterns were written)
    "held_out": ("real CFPB narratives, held out (never read while writing patterns)", False),
    "tuning": ("real CFPB narratives, tuning part (read while writing patterns)", True),
    "synthetic": ("synthetic narratives written for the codebook (read while writing patterns)", True),
}


def split_parts(complaint_ids: pd.Series, seed: int = DEV_SPLIT_SEED, held_out: float = DEV_HELD_OUT_SHARE) -> pd.Series:
    """``tuning`` or ``held_out`` per complaint id: a seeded draw, made once before any pattern was written.

    The ids are sorted first, so the split does not depend on the file's row order.

    >>> split_parts(pd.Series(["3", "1", "2", "4"]), held_out=0.5).tolist()
    ['held_out', 'tuning', 'held_out', 'tuning']
    """
    ids = complaint_ids.astype("str")
    order = np.sort(ids.unique())
    n_held = int(np.ceil(held_out * len(order)))
    chosen = set(order[np.random.default_rng(seed).permutation(len(order))[:n_held]].tolist())
    return pd.Series(np.where(ids.isin(chosen), "held_out", "tuning"), index=complaint_ids.index, dtype="str")


def development_data(part: str, folder: Path = LABELLED_DIR) -> pd.DataFrame:
    """The real development narratives of one part (``tuning`` or ``held_out``): complaint_id, narrative.

    Filtered to the part before anything else is looked at.
    """
    if part not in LABEL_FILES:
        raise ValueError(f"part {part!r}: use tuning or held_out")
    data = pd.read_csv(folder / DEV_FILE, dtype=str, keep_default_na=False,
                       usecols=["Complaint ID", "Consumer complaint narrative"])
    data = data.rename(columns={"Complaint ID": "complaint_id", "Consumer complaint narrative": "narrative"})
    split = pd.read_csv(folder / SPLIT_FILE, dtype=str, keep_default_na=False)
    data = data.merge(split, on="complaint_id", how="left", validate="1:1")
    if data["part"].isna().any():
        raise ValueError(f"{SPLIT_FILE} does not assign every complaint of {DEV_FILE}")
    return data[data["part"] == part].drop(columns="part").reset_index(drop=True)


def read_labels(path: Path) -> pd.DataFrame:
    """A labels file (complaint_id, labeller, label_<code>..., rationale), complete rows only.

    A file still being written is usable: rows without every label are left out.
    """
    labels = pd.read_csv(path, dtype=str, keep_default_na=False, on_bad_lines="skip", engine="python")
    cols = [f"label_{c}" for c in CODES]
    missing = [c for c in ["complaint_id"] + cols if c not in labels.columns]
    if missing:
        raise ValueError(f"{path.name}: no column {', '.join(missing)}")
    complete = labels[cols].isin(["0", "1"]).all(axis=1)
    labels = labels[complete].drop_duplicates("complaint_id", keep="last").reset_index(drop=True)
    labels[cols] = labels[cols].astype(int)
    return labels


def real_set(part: str, folder: Path = LABELLED_DIR) -> pd.DataFrame:
    """The labelled narratives of one part of the real data, with the labels of that part's labeller."""
    labels = read_labels(folder / LABEL_FILES[part])
    data = development_data(part, folder)
    stray = set(labels["complaint_id"]) - set(data["complaint_id"])
    if stray:
        raise ValueError(f"{LABEL_FILES[part]}: {len(stray)} complaint ids are not in the {part} part")
    return data.merge(labels, on="complaint_id", how="inner", validate="1:1")


def labelled_set() -> pd.DataFrame:
    """The hand-labelled synthetic validation narratives, both files.

    ``set`` says which: ``development`` (data/labelled_narratives.csv) or ``second``
    (data/labelled_narratives_holdout.csv; see its header for how it was used). They carry no
    labels for refund_sought and refund_pending (codes added later).
    """
    return pd.concat([read_crosswalk("labelled_narratives.csv").assign(set="development"),
                      read_crosswalk("labelled_narratives_holdout.csv").assign(set="second")], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# Measures

def wilson(successes: float, trials: float) -> tuple[float, float]:
    """95% Wilson score interval of a proportion (statsmodels); (nan, nan) with no trials.

    >>> [round(x, 4) for x in wilson(3, 4)]
    [0.3006, 0.9544]
    """
    from statsmodels.stats.proportion import proportion_confint

    if not trials:
        return float("nan"), float("nan")
    low, high = proportion_confint(successes, trials, alpha=0.05, method="wilson")
    return float(low), float(high)


def kappa(first: np.ndarray, second: np.ndarray) -> tuple[float, float, float]:
    """Cohen's kappa of two 0/1 ratings and its asymptotic 95% interval (statsmodels), clipped to [-1, 1].

    nan when either rater gives one answer to every item (kappa is then undefined).

    >>> [round(x, 3) for x in kappa(np.array([1, 1, 1, 0, 0, 0, 0, 0]), np.array([1, 1, 0, 0, 0, 0, 0, 1]))]
    [0.467, -0.166, 1.0]
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    a, b = np.asarray(first, dtype=bool), np.asarray(second, dtype=bool)
    if not len(a) or a.all() or (~a).all() or b.all() or (~b).all():
        return float("nan"), float("nan"), float("nan")
    table = np.array([[(a & b).sum(), (a & ~b).sum()], [(~a & b).sum(), (~a & ~b).sum()]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        r = cohens_kappa(table)
    return float(r.kappa), float(max(-1.0, r.kappa_low)), float(min(1.0, r.kappa_upp))


def scores(truth: np.ndarray, got: np.ndarray) -> dict:
    """Support, counts, precision, recall, F1 and kappa of ``got`` against ``truth``, with 95% intervals.

    Precision and recall: Wilson intervals. F1 = TP / (TP + (FP + FN) / 2), its interval the Wilson
    interval of that share (an approximation). Kappa: the asymptotic interval.
    """
    truth, got = np.asarray(truth, dtype=bool), np.asarray(got, dtype=bool)
    tp, fp = int((got & truth).sum()), int((got & ~truth).sum())
    fn = int((~got & truth).sum())
    nan = float("nan")
    f1_trials = tp + (fp + fn) / 2
    k = kappa(truth, got)
    return {"narratives": int(len(truth)), "support": tp + fn, "coded_yes": tp + fp, "true_pos": tp, "false_pos": fp,
            "false_neg": fn,
            "precision": tp / (tp + fp) if tp + fp else nan, **dict(zip(["precision_low", "precision_high"], wilson(tp, tp + fp))),
            "recall": tp / (tp + fn) if tp + fn else nan, **dict(zip(["recall_low", "recall_high"], wilson(tp, tp + fn))),
            "f1": tp / f1_trials if f1_trials else nan, **dict(zip(["f1_low", "f1_high"], wilson(tp, f1_trials))),
            "kappa": k[0], "kappa_low": k[1], "kappa_high": k[2]}


def status(row: dict | pd.Series) -> tuple[bool, str]:
    """Whether one held-out score row meets :data:`TARGETS`, and why not in words."""
    if not row["support"] >= MIN_SUPPORT:
        return False, f"too few to validate ({row['support']} labelled positives; {MIN_SUPPORT} needed)"
    short = [f"{name} {row[name]:.2f} < {target:.2f}" for name, target in TARGETS.items()
             if not row[name] >= target]  # nan fails
    return (not short), ("validated" if not short else "not validated: " + ", ".join(short))


def _score_set(labelled: pd.DataFrame, set_name: str) -> list[dict]:
    coded = code_narratives(labelled["narrative"])
    rows = []
    for code in CODES:
        row = {"set": set_name, "code": code}
        if f"label_{code}" not in labelled.columns:
            row.update({"narratives": len(labelled), "support": pd.NA, "status": "not labelled in this set"})
        else:
            row.update(scores(labelled[f"label_{code}"].astype(int).to_numpy() == 1, coded[f"code_{code}"].to_numpy()))
        rows.append(row)
    return rows


COLUMNS = ["set", "seen_while_writing", "code", "narratives", "support", "coded_yes", "true_pos", "false_pos",
           "false_neg", "precision", "precision_low", "precision_high", "recall", "recall_low", "recall_high",
           "f1", "f1_low", "f1_high", "kappa", "kappa_low", "kappa_high", "validated", "status", "codebook_version"]


def validate(labelled: pd.DataFrame | None = None, sets: tuple[str, ...] = ("held_out", "tuning", "synthetic"),
             folder: Path = LABELLED_DIR) -> pd.DataFrame:
    """Per set and code: support, precision, recall, F1 and Cohen's kappa (coder against the human labels),
    each with its 95% interval, and whether the code is validated.

    ``labelled`` (a ``narrative`` column and a 0/1 ``label_<code>`` column per code) is scored as one
    set named ``given``. Without it, ``sets`` are scored: ``held_out`` (real narratives never read
    while the patterns were written, labelled by labeller A: the headline), ``tuning`` (real, read
    while writing, labeller C) and ``synthetic`` (:func:`labelled_set`); a real part whose labels
    file is absent is left out. Only held-out rows carry ``validated``: a code with at least
    :data:`MIN_SUPPORT` labelled positives that meets every one of :data:`TARGETS`; ``status`` says
    why a code is not validated, or that the set was seen while writing.
    """
    rows = []
    if labelled is not None:
        rows += [dict(r, seen_while_writing=pd.NA) for r in _score_set(labelled, "given")]
    else:
        for name in sets:
            if name == "synthetic":
                data = labelled_set()
            elif (folder / LABEL_FILES[name]).exists():
                data = real_set(name, folder)
            else:
                continue
            rows += [dict(r, seen_while_writing=SETS[name][1]) for r in _score_set(data, name)]
    for r in rows:
        if "status" in r:  # not labelled in this set
            continue
        if r["set"] == "held_out":
            r["validated"], r["status"] = status(r)
        elif r["set"] == "given":
            r["status"] = status(r)[1]
        else:
            r["status"] = "seen while writing: not a validation"
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["validated"] = out["validated"].astype("boolean")
    for c in ["support", "coded_yes", "true_pos", "false_pos", "false_neg"]:
        out[c] = out[c].astype("Int64")
    out["codebook_version"] = CODEBOOK_VERSION
    return out


def labeller_agreement(folder: Path = LABELLED_DIR) -> pd.DataFrame:
    """Cohen's kappa between the part's labeller and the second labeller (B), per code, on the narratives both labelled.

    Rows per part (``held_out``: A vs B; ``tuning``: C vs B) and ``both`` (the two parts pooled),
    with n, each labeller's positives, the share of narratives on which they agree, and kappa with its
    95% interval. This is the ceiling a coder can be held to.
    """
    second = read_labels(folder / SECOND_LABELS)
    rows = []
    pairs = []
    for part in LABEL_FILES:
        if not (folder / LABEL_FILES[part]).exists():
            continue
        first = read_labels(folder / LABEL_FILES[part])
        pairs.append((part, first.merge(second, on="complaint_id", suffixes=("_1", "_2"), validate="1:1")))
    if pairs:
        pairs.append(("both", pd.concat([p for _, p in pairs], ignore_index=True)))
    for part, both in pairs:
        who = sorted(set(both.get("labeller_1", pd.Series(dtype=str)))) or ["?"]
        who2 = sorted(set(both.get("labeller_2", pd.Series(dtype=str)))) or ["?"]
        for code in CODES:
            a, b = both[f"label_{code}_1"].to_numpy() == 1, both[f"label_{code}_2"].to_numpy() == 1
            k = kappa(a, b)
            rows.append({"part": part, "labellers": f"{'/'.join(who)} vs {'/'.join(who2)}", "code": code,
                         "n": len(both), "positives_first": int(a.sum()), "positives_second": int(b.sum()),
                         "agreement": float((a == b).mean()) if len(both) else float("nan"),
                         "kappa": k[0], "kappa_low": k[1], "kappa_high": k[2]})
    return pd.DataFrame(rows, columns=["part", "labellers", "code", "n", "positives_first", "positives_second",
                                       "agreement", "kappa", "kappa_low", "kappa_high"])


# ---------------------------------------------------------------------------------------------
# Validation status, for every output that shows codes

def write_validation(folder: Path = LABELLED_DIR, path: Path | None = None) -> pd.DataFrame:
    """Record the held-out scores of this codebook version in ``data/coder_validation.csv``.

    Run once per codebook version, after the patterns are final (a test checks the file is current).
    """
    table = validate(sets=("held_out",), folder=folder)
    table = table.drop(columns=["seen_while_writing"])
    path = path or PACKAGE_DATA / VALIDATION_FILE
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("# Held-out validation of the narrative coder (coder.write_validation; see coder.validate):\n"
                 "# real CFPB narratives never read while the patterns were written, against labeller A.\n")
        table.to_csv(fh, index=False, lineterminator="\n", float_format="%.6f")
    code_status.cache_clear()
    return table


@lru_cache(maxsize=1)
def code_status() -> dict[str, str]:
    """Per code, ``validated`` or why not (from the recorded held-out validation of this codebook version)."""
    path = PACKAGE_DATA / VALIDATION_FILE
    table = read_crosswalk(VALIDATION_FILE) if path.exists() else pd.DataFrame(columns=["code", "status", "codebook_version"])
    table = table[table["codebook_version"] == CODEBOOK_VERSION]
    got = dict(zip(table["code"], table["status"]))
    return {c: got.get(c, f"not validated: codebook {CODEBOOK_VERSION} has no held-out validation") for c in CODES}


def unvalidated_codes() -> list[str]:
    """The codes that did not meet the targets on the held-out real narratives (or were not measured)."""
    return [c for c, s in code_status().items() if s != "validated"]


def disagreements(labelled: pd.DataFrame) -> pd.DataFrame:
    """The labelled narratives the coder gets wrong, with what it matched: where to improve it.

    For the tuning part and the synthetic sets only: never for held-out narratives.
    """
    rows = []
    coded = code_narratives(labelled["narrative"])
    for code in CODES:
        if f"label_{code}" not in labelled.columns:
            continue
        truth, got = labelled[f"label_{code}"].astype(int).to_numpy() == 1, coded[f"code_{code}"].to_numpy()
        for i in np.flatnonzero(got != truth):
            rows.append({"code": code, "kind": "false positive" if got[i] else "false negative",
                         "id": labelled["complaint_id" if "complaint_id" in labelled else "id"].iat[i],
                         "narrative": labelled["narrative"].iat[i], "matched": coded["matched_phrases"].iat[i]})
    return pd.DataFrame(rows, columns=["code", "kind", "id", "narrative", "matched"])


# ---------------------------------------------------------------------------------------------
# Tables for people

CODE_NAMES = {"non_delivery": "Non-delivery", "quality": "Quality (not as described)", "delay": "Delay",
              "customs_fees": "Customs fees", "refund_sought": "Refund sought", "refund_pending": "Refund pending",
              "refund_denied": "Refund denied", "marketplace_named": "Marketplace named",
              "buyer_protection_named": "Buyer protection named"}
SET_NAMES = {"held_out": "Held-out real (headline)", "tuning": "Tuning real (seen while writing)",
             "synthetic": "Synthetic (seen while writing)", "given": "Given set"}


def mark_unvalidated(codes: pd.Series) -> pd.Series:
    """A ``codes`` column with each code that is not validated marked ``*`` ("delay*").

    >>> mark_unvalidated(pd.Series(["", "customs_fees"])).tolist()[0]
    ''
    """
    out = codes.astype("str").fillna("")
    for code in unvalidated_codes():
        out = textops.replace(out, rf"(^|;){code}(;|$)", rf"\1{code}*\2")
    return out


def _with_interval(x: float, low: float, high: float, percent: bool = True) -> str:
    from ta_analysis.formatting import pct

    if x != x:
        return "n/a"
    if percent:
        return f"{pct(x)} ({pct(low)} to {pct(high)})"
    return f"{x:.2f} ({low:.2f} to {high:.2f})" if low == low else f"{x:.2f}"


def validation_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`validate` as people read it: named columns, percentages to one decimal with 95% intervals."""
    rows = []
    for r in table.itertuples():
        labelled = not (isinstance(r.support, type(pd.NA)) or r.support is pd.NA)
        rows.append({
            "Set": SET_NAMES.get(r.set, r.set), "Code": CODE_NAMES.get(r.code, r.code),
            "Labelled positives": f"{int(r.support):,}" if labelled else "not labelled",
            "Coded positives": f"{int(r.coded_yes):,}" if labelled else "",
            "Precision (95% CI)": _with_interval(r.precision, r.precision_low, r.precision_high) if labelled else "",
            "Recall (95% CI)": _with_interval(r.recall, r.recall_low, r.recall_high) if labelled else "",
            "F1 (95% CI)": _with_interval(r.f1, r.f1_low, r.f1_high) if labelled else "",
            "Kappa, coder vs labeller (95% CI)": _with_interval(r.kappa, r.kappa_low, r.kappa_high, percent=False)
            if labelled else "",
            "Validated?": ("yes" if pd.notna(r.validated) and bool(r.validated)
                           else "too few positives" if str(r.status).startswith("too few") else "no")
            if r.set == "held_out" else str(r.status),
        })
    return pd.DataFrame(rows)


def agreement_for_people(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`labeller_agreement` as people read it."""
    from ta_analysis.formatting import pct

    parts = {"held_out": "Held-out part", "tuning": "Tuning part", "both": "Both parts"}
    return pd.DataFrame([{
        "Narratives labelled by both": f"{int(r.n):,}", "Part": parts.get(r.part, r.part), "Labellers": r.labellers,
        "Code": CODE_NAMES.get(r.code, r.code), "Positives (first, second)": f"{r.positives_first}, {r.positives_second}",
        "Agreement": pct(r.agreement),
        "Kappa between labellers (95% CI)": _with_interval(r.kappa, r.kappa_low, r.kappa_high, percent=False)
        if r.kappa == r.kappa else "n/a (a labeller found no positive)",
    } for r in table.itertuples()])
