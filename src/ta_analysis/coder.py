"""A transparent, rule-based narrative coder, and its validation against hand-labelled narratives.

The codebook (``data/codebook.csv``, versioned) lists per code its patterns and negations. A code
is assigned when a pattern matches a sentence and no negation cancels it (in the same sentence,
or anywhere in the narrative for codes whose scope is ``narrative``: "it finally arrived" cancels
non-delivery). For every coded narrative the matched phrases are kept, so an expert can show why
a record was coded. Every output carries :data:`CODEBOOK_VERSION`.

Examples:
    >>> import pandas as pd
    >>> c = code_narratives(pd.Series(["Ordered on Alibaba. It never arrived and my refund was denied."]))
    >>> c.loc[0, "codes"]
    'non_delivery;refund_denied;marketplace_named'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from ta_analysis import textops
from ta_analysis.vocab import read_crosswalk

CODEBOOK_VERSION = "2026.11-3"
SENTENCE_SPLIT = r"(?:[.!?;]+[ \t\r\n]+|[\r\n]+)"


@dataclass(frozen=True)
class Code:
    code: str
    scope: str
    description: str
    patterns: tuple[str, ...]
    negations: tuple[str, ...]
    exclusions: tuple[str, ...] = ()

    @property
    def pattern(self) -> str:
        return "(?i)" + "|".join(f"(?:{p})" for p in self.patterns)

    @property
    def negation(self) -> str | None:
        return ("(?i)" + "|".join(f"(?:{p})" for p in self.negations)) if self.negations else None

    @property
    def exclusion(self) -> str | None:
        return ("(?i)" + "|".join(f"(?:{p})" for p in self.exclusions)) if self.exclusions else None


@lru_cache(maxsize=1)
def codebook() -> tuple[Code, ...]:
    table = read_crosswalk("codebook.csv")
    split = lambda s: tuple(p.strip() for p in s.split(" || ") if p.strip())  # noqa: E731
    codes = tuple(Code(r.code, r.scope, r.description, split(r.patterns), split(r.negations), split(r.exclusions))
                  for r in table.itertuples())
    for c in codes:
        if c.scope not in ("sentence", "narrative"):
            raise ValueError(f"codebook.csv: code {c.code} has scope {c.scope!r}; use sentence or narrative")
        re.compile(c.pattern)
    return codes


CODES = [c.code for c in codebook()]


def code_narratives(text: pd.Series) -> pd.DataFrame:
    """Code each narrative: one boolean column per code, ``codes``, ``matched_phrases``, version.

    Missing narratives get no codes. Each distinct narrative is coded once.
    """
    position, distinct = textops.distinct(text.astype("str"))
    return code_distinct(distinct).iloc[position].set_index(text.index)


def code_distinct(text: pd.Series) -> pd.DataFrame:
    """:func:`code_narratives` of text whose values are already distinct (one row each, same index)."""
    sentences = textops.replace(text.fillna(""), SENTENCE_SPLIT, "\n").str.split("\n").explode()
    sentences = sentences[sentences.str.strip().fillna("") != ""].astype("str")
    owner = sentences.index.to_numpy()
    out = pd.DataFrame(index=text.index)
    phrases = pd.Series("", index=text.index, dtype="str")
    for c in codebook():
        candidate = textops.replace(sentences, c.exclusion, " ") if c.exclusion else sentences
        hit = textops.contains(candidate, c.pattern).to_numpy()
        if c.negation:
            neg = textops.contains(sentences, c.negation).to_numpy()
            if c.scope == "narrative":
                cancelled = pd.Series(neg, index=owner).groupby(level=0).any()
                hit = hit & ~cancelled.reindex(owner).to_numpy()
            else:
                hit = hit & ~neg
        rows = pd.Series(hit, index=owner).groupby(level=0).any().reindex(text.index, fill_value=False)
        out[f"code_{c.code}"] = rows.to_numpy(dtype=bool)
        if hit.any():
            # The phrases matched in each narrative's hit sentences, in order, each once.
            compiled = re.compile(c.pattern)
            found: dict = {}
            for row, sentence in zip(owner[hit].tolist(), candidate[hit].tolist()):
                found.setdefault(row, []).append("; ".join(dict.fromkeys(m.group(0) for m in compiled.finditer(sentence))))
            per_row = {row: c.code + ": " + "; ".join(dict.fromkeys("; ".join(parts).split("; ")))
                       for row, parts in found.items()}
            add = pd.Series(per_row, dtype="str").reindex(text.index)
            phrases = phrases.where(add.isna(), phrases.where(phrases == "", phrases + " | ").fillna("") + add)
    codes = pd.Series("", index=text.index, dtype="str")
    for code in CODES:
        m = out[f"code_{code}"].to_numpy()
        codes[m] = codes[m] + np.where(codes[m] == "", "", ";") + code
    out["codes"] = codes
    out["matched_phrases"] = phrases
    out["codebook_version"] = CODEBOOK_VERSION
    return out


DEV_SPLIT_SEED = 20261203
DEV_HELD_OUT_SHARE = 0.35


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


def labelled_set() -> pd.DataFrame:
    """The hand-labelled validation narratives (synthetic, written for validation), both sets.

    ``set`` says which: ``development`` (data/labelled_narratives.csv) or ``second``
    (data/labelled_narratives_holdout.csv; see its header for how it was used).
    """
    return pd.concat([read_crosswalk("labelled_narratives.csv").assign(set="development"),
                      read_crosswalk("labelled_narratives_holdout.csv").assign(set="second")], ignore_index=True)


def _compare(labelled: pd.DataFrame):
    """Per code: the labels, the coder's answers, and the coded frame."""
    coded = code_narratives(labelled["narrative"])
    for code in CODES:
        yield code, labelled[f"label_{code}"].astype(int).to_numpy() == 1, coded[f"code_{code}"].to_numpy(), coded


def validate(labelled: pd.DataFrame | None = None) -> pd.DataFrame:
    """Precision, recall, F1 and Cohen's kappa of the coder per code on the labelled narratives.

    ``labelled`` has a ``narrative`` column and one ``label_<code>`` column of 0/1 per code.
    """
    from statsmodels.stats.inter_rater import cohens_kappa

    labelled = labelled_set() if labelled is None else labelled
    rows = []
    for code, truth, got, _ in _compare(labelled):
        tp, fp = int((got & truth).sum()), int((got & ~truth).sum())
        fn, tn = int((~got & truth).sum()), int((~got & ~truth).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        table = np.array([[tp, fn], [fp, tn]])
        kappa = float(cohens_kappa(table).kappa) if (tp + fn) and (fp + tn) else float("nan")
        rows.append({"code": code, "narratives": len(labelled), "labelled_yes": tp + fn, "coded_yes": tp + fp,
                     "true_pos": tp, "false_pos": fp, "false_neg": fn, "precision": round(precision, 3),
                     "recall": round(recall, 3),
                     "f1": round(2 * precision * recall / (precision + recall), 3) if tp else 0.0,
                     "cohens_kappa": round(kappa, 3), "codebook_version": CODEBOOK_VERSION})
    return pd.DataFrame(rows)


def disagreements(labelled: pd.DataFrame | None = None) -> pd.DataFrame:
    """The labelled narratives the coder gets wrong, with what it matched: where to improve it."""
    labelled = labelled_set() if labelled is None else labelled
    rows = []
    for code, truth, got, coded in _compare(labelled):
        for i in np.flatnonzero(got != truth):
            rows.append({"code": code, "kind": "false positive" if got[i] else "false negative",
                         "narrative": labelled["narrative"].iat[i], "matched": coded["matched_phrases"].iat[i]})
    return pd.DataFrame(rows, columns=["code", "kind", "narrative", "matched"])
