"""Procedure search over the whole catalogue: an SQLite FTS5 index (stdlib, in memory) of folded
names, aliases, everyday situations and fields, with syllable and syllable-bigram tokens.

Everyday words in the question bring the official words they stand for (core/vocabulary.py:
"bố tôi mất" -> "khai tử"), counted at EXPANSION_WEIGHT in the question.
FTS5 retrieves the phrases sharing rare tokens with the question (bm25); each retrieved phrase is
then scored by how much of it the question covers and how much of the question it explains
(IDF-weighted), and the best phrase per procedure is that procedure's score. The decision —
answer, clarify among candidates, or none — uses the calibrated constants below.

The index is built once per process and kept warm; it is rebuilt when the services table changes
(a cheap count/max-id check on each search, and every REFRESH_SECONDS a digest of the searched
columns, for updates in place).
"""

from __future__ import annotations

import json
import math
import re
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import Service
from core.textnorm import fold, nfc
from core.vocabulary import Rule, load_other_subjects, load_rules, understood

# --- Calibration (data/eval/catalogue/dev*.yaml; `make eval-catalogue` prints the table) --------
# Grid search (2026-12-06) on dev (314 queries), dev2 (260) and dev3 (177) together: wrong
# confident answers <= 1% on each as the hard limit, then the best mean of "right or clarified"
# and out-of-scope recall, then top-1. Dev 97.8% right or clarified, 0.4% wrong, 91.5% out of
# scope; dev2 91.2 / 0.4 / 93.9; dev3 93.9 / 0.0 / 100. The held-out set was not used to choose.
# Near misses that share every telling word with a real procedure ("bảo hiểm nhân thọ", "bằng
# lái ca nô") are told apart by data/reference/other_subjects.yaml, not by these scores.
# Answered only when the score is high AND no rival is close.
ANSWER_SCORE = 0.80
# Candidates within MARGIN of the best are "close": shown together as a numbered choice.
MARGIN = 0.30
# A best match from ANSWER_SCORE is answered when no close candidate is within ANSWER_GAP of it.
ANSWER_GAP = 0.15
# Below NONE_SCORE nothing relevant was found.
NONE_SCORE = 0.52
# A lone candidate (the next one more than LONE_GAP below) is answered from LONE_ANSWER_SCORE.
LONE_ANSWER_SCORE = 0.55
LONE_GAP = 0.25
# ... when it explains at least this share of the question (one matched word is no winner).
LONE_QUESTION_SHARE = 0.20
EXACT = 0.99  # both shares: the question is exactly a name or alias
# A best phrase covered less than WHOLE_PHRASE by the question is no clear winner when another
# procedure explains the question as well (question shares within SAME_FIT).
WHOLE_PHRASE = 0.75
SAME_FIT = 0.05
# A weak best match also brings its siblings (same group) above SIBLING_SCORE into the choice.
SIBLING_SCORE = 0.30
MAX_CHOICES = 4
# A syllable written with other tone marks on both sides ("chức" / "chúc") counts this much.
ACCENT_MISMATCH = 0.3
# Share of the question explained by the procedure's other phrases that counts as a bonus.
UNION_BONUS = 0.6
# How much the share of the question explained counts next to the share of the phrase covered.
QUESTION_WEIGHT = 0.5
# Names are the surest evidence; a situation phrase or a field alone is weaker.
KIND_WEIGHT = {"name": 1.0, "alias": 1.0, "situation": 0.95, "field": 0.6}
# Official words a question's everyday words stand for (core/vocabulary.py) count this much.
EXPANSION_WEIGHT = 0.6
# ... and the everyday words that a rule read count this much (their meaning is in the above).
SAID_WEIGHT = 0.6
BIGRAM_WEIGHT = 1.0  # 1.5 and 2.0 lost situations on dev (their word order differs from names)
RETRIEVE = 80  # phrases fetched from FTS5 per question before re-scoring
COMMON_DOCS = 300  # a token in more procedures than this does not retrieve on its own
REFRESH_SECONDS = 60.0

# Question and filler words (folded) that never identify a procedure: removed from both sides.
STOP_PHRASES = [
    "thu tuc hanh chinh",
    "thu tuc",
    "bao nhieu tien",
    "bao nhieu",
    "bao lau",
    "mat bao lau",
    "mat bao nhieu",
    "mat may ngay",
    "mat may hom",
    "mat may tuan",
    "mat may thang",
    "mat bao nhieu ngay",
    "mat thoi gian",
    "o dau",
    "the nao",
    "nhu the nao",
    "lam sao",
    "la gi",
    "can gi",
    "can nhung gi",
    "nhung gi",
    "giay to gi",
    "can giay to",
    "phai lam gi",
    "duoc khong",
    "co duoc",
    "xin hoi",
    "cho hoi",
    "muon hoi",
    "how much",
    "how long",
    "how to",
    "how do i",
    "what documents",
    "where can i",
    "do i need",
    "what is",
    "i want to",
    "phi bao nhieu",
    "le phi",
    "chi phi",
    "thoi gian",
    # the channel, not the procedure
    "cong dich vu cong quoc gia",
    "cong dich vu cong",
    "dich vu cong",
    "qua mang",
    "tren mang",
    # when it happened says nothing of which procedure
    "hom qua",
    "hom nay",
    "sang nay",
    "chieu nay",
    "toi qua",
    "dem qua",
    "tuan truoc",
    "tuan nay",
    "thang truoc",
    "thang nay",
    "nam ngoai",
    "nam nay",
    "bay gio",
    "hien nay",
    "tai sao",
    "vi sao",
    "thi sao",
    "ra sao",
]
# Filler words, written as typed: with diacritics they are told apart from the content syllables
# they fold to ("thì" is filler, "thi" in "thi bằng lái" is not; "đi" / "di chúc", "tại" / "tài
# sản", "cần" / "căn cước", "mà" / "mã số thuế"). Typed without diacritics, only the words that
# fold to no content syllable are dropped ("the" may be "thẻ", "do" "đỏ", "my" "Mỹ").
_VI_STOP_LINES = (
    "à ạ a là làm gì nào tôi mình em anh chị ơi vậy thì mà nhé với của và cho cần muốn hỏi xin còn",
    "được không có phải đi đến đâu như thế này kia những các một về tại trong khi nếu",
)
_EN_STOP_LINES = (
    "how what where when which who do does i my me the an of for in on is are can",
    "need want please get much long fee fees cost document documents online truc tuyen",
    "and or but with from at by into his her their our your its this that there have has had was were",
    "been will would should could just already also still any some if then they we you",
)
VI_STOP_WORDS = frozenset(nfc(" ".join(_VI_STOP_LINES)).split())
EN_STOP_WORDS = frozenset(" ".join(_EN_STOP_LINES).split())
# Folded words that are also content syllables: kept when typed without diacritics.
_AMBIGUOUS = frozenset(
    [
        "con",
        "di",
        "tai",
        "khi",
        "chi",
        "can",
        "co",
        "ma",
        "den",
        "ve",
        "trong",
        "lam",
        "cho",
        "vay",
        "muon",
        "hoi",
        "toi",
        "thi",
        "nhung",
        "va",
        "cua",
        "la",
        "mot",
        "dau",
        "nay",
        "the",
        "do",
        "my",
        "an",
        "me",
        "to",
        "so",
        "it",
        "be",
        "on",
        "in",
    ]
)
UNACCENTED_STOP_WORDS = frozenset({fold(word) for word in VI_STOP_WORDS} | EN_STOP_WORDS) - _AMBIGUOUS
_ENGLISH_ONLY = EN_STOP_WORDS - _AMBIGUOUS - {"long", "truc", "tuyen"}
_NON_WORD = re.compile(r"[^0-9a-z]+")
_WORD = re.compile(r"\w+")

Kind = Literal["answer", "clarify", "none"]


_STOP_PHRASE_WORDS = sorted((tuple(phrase.split()) for phrase in STOP_PHRASES), key=len, reverse=True)


def syllables(text: str, known: Collection[str] | None = None) -> list[str]:
    """Folded syllables without question/filler words: "Lệ phí làm hộ chiếu?" -> [ho, chieu].
    With `known` (an index's syllables), a word typed without diacritics that may be filler or
    content ("co": "có" / "cơ") is kept only when some procedure has it."""
    written = [word for word in _WORD.findall(nfc(text.lower())) if _NON_WORD.sub("", fold(word))]
    folded = [_NON_WORD.sub("", fold(word)) for word in written]
    keep = [True] * len(folded)
    for phrase in _STOP_PHRASE_WORDS:  # "làm sao", "bao nhiêu", "mất bao lâu": folded, as a whole
        size = len(phrase)
        for start in range(len(folded) - size + 1):
            if tuple(folded[start : start + size]) == phrase:
                keep[start : start + size] = [False] * size
    # An English question ("how do I pay the fee"): "the", "do", "my" are English, not "thẻ", "đỏ", "Mỹ".
    english = written == folded and sum(word in _ENGLISH_ONLY for word in folded) >= 2
    return [
        word
        for word, as_typed, kept in zip(folded, written, keep, strict=True)
        if kept
        and not (english and word in EN_STOP_WORDS)
        and as_typed not in VI_STOP_WORDS
        and not (word == as_typed and word in UNACCENTED_STOP_WORDS)
        and not (known is not None and word == as_typed and word in _AMBIGUOUS and word not in known)
    ]


def _folded_words(text: str) -> str:
    """Every word folded, none dropped: "Bảo hiểm nhân thọ?" -> "bao hiem nhan tho"."""
    folded = (_NON_WORD.sub("", fold(word)) for word in _WORD.findall(nfc(text.lower())))
    return " ".join(word for word in folded if word)


def tokens(text: str, known: Collection[str] | None = None) -> list[str]:
    """Syllables and syllable bigrams ("ho", "chieu", "ho_chieu")."""
    words = syllables(text, known)
    return [*words, *(f"{a}_{b}" for a, b in zip(words, words[1:], strict=False))]


def accent_forms(text: str) -> dict[str, set[str]]:
    """Folded syllable -> the accented forms written ("chuc" -> {"chức"}); empty when unaccented."""
    forms: dict[str, set[str]] = {}
    for word in _WORD.findall(nfc(text.lower())):
        folded = fold(word)
        if folded != word:
            forms.setdefault(folded, set()).add(word)
    return forms


@dataclass(frozen=True)
class Phrase:
    slug: str
    kind: str
    text: str


@dataclass(frozen=True)
class Entry:
    """What the index knows of one procedure (a service record or a bare name from a list)."""

    slug: str
    name: str
    group: str | None = None
    code: str | None = None
    phrases: tuple[Phrase, ...] = ()


@dataclass(frozen=True)
class Hit:
    slug: str
    score: float
    matched: str
    entry: Entry
    phrase_share: float = 1.0  # how much of the matched phrase the question covers
    question_share: float = 1.0  # how much of the question the phrase explains
    entry_share: float = 1.0  # ... and all the procedure's phrases together


@dataclass(frozen=True)
class Decision:
    kind: Kind
    candidates: tuple[Hit, ...] = ()
    # "none" for a question on another subject than our procedures ("bảo hiểm thương mại").
    other_subjects: tuple[str, ...] = ()

    @property
    def best(self) -> Hit | None:
        return self.candidates[0] if self.candidates else None

    @property
    def slugs(self) -> list[str]:
        return [hit.slug for hit in self.candidates]


def _localised_texts(value: Any) -> list[str]:
    if isinstance(value, dict):
        out: list[str] = []
        for item in value.values():
            out.extend(_localised_texts(item))
        return out
    if isinstance(value, list):
        return [str(item) for item in value if item]
    return [str(value)] if value else []


def entry_of(service: Any) -> Entry:
    """The index entry of a Service row or a ServiceIn record (same attribute names)."""
    phrases = [Phrase(service.slug, "name", text) for text in _localised_texts(service.name)]
    phrases += [Phrase(service.slug, "alias", text) for text in service.aliases or []]
    phrases += [Phrase(service.slug, "situation", text) for text in _localised_texts(service.situations)]
    phrases += [Phrase(service.slug, "field", text) for text in _localised_texts(service.field)]
    name = (service.name or {}).get("vi") or service.slug
    return Entry(service.slug, str(name), service.group, service.procedure_code, tuple(phrases))


@dataclass
class ProcedureIndex:
    entries: dict[str, Entry]
    _db: sqlite3.Connection = field(repr=False)
    _phrases: list[tuple[Phrase, dict[str, float], float]] = field(repr=False)
    _idf: dict[str, float] = field(repr=False)
    _default_idf: float = 1.0
    _common_idf: float = 0.0
    _entry_tokens: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    # Per procedure: its phrases folded, " | "-joined, to find a phrase the question has word for word.
    _entry_text: dict[str, str] = field(default_factory=dict, repr=False)
    # Per procedure: folded syllable -> its written forms joined by "|" (strings: far lighter than sets).
    _entry_written: dict[str, dict[str, str]] = field(default_factory=dict, repr=False)
    # Everyday words -> official words, added to questions (data/reference/vocabulary.yaml).
    vocabulary: tuple[Rule, ...] = ()
    # Words that put a question on another subject (data/reference/other_subjects.yaml).
    other_subjects: tuple[Rule, ...] = ()

    @classmethod
    def build(
        cls,
        entries: Iterable[Entry],
        vocabulary: tuple[Rule, ...] | None = None,
        other_subjects: tuple[Rule, ...] | None = None,
    ) -> ProcedureIndex:
        by_slug = {entry.slug: entry for entry in entries}
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute("CREATE VIRTUAL TABLE phrases USING fts5(body, tokenize=\"unicode61 tokenchars '_'\")")
        counted_phrases: list[tuple[Phrase, Counter[str]]] = []
        document_frequency: Counter[str] = Counter()
        rows = []
        for entry in by_slug.values():
            seen: set[str] = set()
            for phrase in entry.phrases:
                counted = Counter(tokens(phrase.text))
                if not counted:
                    continue
                seen.update(counted)
                rows.append((len(counted_phrases), " ".join(counted.elements())))
                counted_phrases.append((phrase, counted))
            document_frequency.update(seen)
        db.executemany("INSERT INTO phrases(rowid, body) VALUES (?, ?)", rows)
        total = max(len(by_slug), 1)
        idf = {token: math.log(1 + total / count) for token, count in document_frequency.items()}
        index = cls(by_slug, db, [], idf, math.log(1 + total), math.log(1 + total / COMMON_DOCS))
        index.vocabulary = load_rules() if vocabulary is None else vocabulary
        index.other_subjects = load_other_subjects() if other_subjects is None else other_subjects
        union: dict[str, set[str]] = {}
        for phrase, counted in counted_phrases:
            union.setdefault(phrase.slug, set()).update(counted)
        index._entry_tokens = {slug: frozenset(found) for slug, found in union.items()}
        index._entry_text = {
            entry.slug: " | ".join(_folded_words(phrase.text) for phrase in entry.phrases)
            for entry in by_slug.values()
        }
        written_sets: dict[str, dict[str, set[str]]] = {}
        for phrase, _counted in counted_phrases:
            written = written_sets.setdefault(phrase.slug, {})
            for syllable, forms in accent_forms(phrase.text).items():
                written.setdefault(syllable, set()).update(forms)
        index._entry_written = {
            slug: {syllable: "|".join(sorted(forms)) for syllable, forms in written.items()}
            for slug, written in written_sets.items()
        }
        for phrase, counted in counted_phrases:  # weights computed once, not per search
            weights = {token: index.weight(token) for token in counted}
            index._phrases.append((phrase, weights, sum(weights.values())))
        return index

    def weight(self, token: str) -> float:
        # A bigram ("khai_sinh") adds to its two syllables: shared word order counts extra.
        base = self._idf.get(token, self._default_idf)
        return base * (BIGRAM_WEIGHT if "_" in token else 1.0)

    def search(self, text: str, limit: int = 10) -> list[Hit]:
        text = text[:500]
        # The question's own words count fully, those a vocabulary rule read ("bố tôi mất") less,
        # and the official words they stand for ("khai tử") at EXPANSION_WEIGHT.
        query = {token: 1.0 for token in tokens(text, self._idf)}
        found = understood(text, self.vocabulary)
        # A phrase that has a rule's meaning ("khai tử") explains the words the rule read too.
        meanings = []
        for item in found:
            read = {token for spoken in item.said for token in tokens(spoken)}
            for token in read & query.keys():
                query[token] = min(query[token], SAID_WEIGHT)
            means = frozenset(tokens(item.means))
            meanings.append((means, sum(self.weight(t) for t in means) or 1.0, read - means))
        added = [item.means for item in found]
        for token in tokens(" ".join(added)):
            query.setdefault(token, EXPANSION_WEIGHT)
        if not query:
            return []
        known = sorted((token for token in query if token in self._idf), key=self.weight, reverse=True)
        if not known:
            return []
        # Retrieval by the telling tokens only ("đăng", "ký", "cấp" are in thousands of names);
        # every token still counts in the scoring below.
        telling = [token for token in known if self._idf[token] >= self._common_idf] or known[:2]
        match = " OR ".join(f'"{token}"' for token in telling)
        rows = self._db.execute(
            "SELECT rowid FROM phrases WHERE phrases MATCH ? ORDER BY bm25(phrases) LIMIT ?",
            (match, RETRIEVE),
        ).fetchall()
        query_weight = sum(self.weight(token) * factor for token, factor in query.items())
        # "bảo hiểm nhân thọ", "bằng lái ca nô": only a procedure that has those words can answer.
        required = [words for _subject, words in self.other_subject_words(text)]
        text = " ".join([text, *added])
        asked = accent_forms(text)
        best: dict[str, Hit] = {}
        for (rowid,) in rows:
            phrase, weights, phrase_weight = self._phrases[rowid]
            if required and not all(words in self._entry_text[phrase.slug] for words in required):
                continue
            written = {syllable: "|".join(forms) for syllable, forms in accent_forms(phrase.text).items()}
            matched = {
                token: weight * (ACCENT_MISMATCH if _mismatch(token, asked, written) else 1.0)
                for token, weight in weights.items()
                if token in query
            }
            # The phrase is covered by what the question means (its own words and their official
            # words alike); the question is explained with the official words counting less.
            phrase_share = sum(matched.values()) / phrase_weight
            explained = sum(weight * query[token] for token, weight in matched.items())
            for means, means_weight, read_words in meanings:
                cover = sum(matched.get(token, 0.0) for token in means) / means_weight
                if cover >= 0.5:
                    explained += cover * sum(
                        self.weight(token) * query.get(token, 0.0)
                        for token in read_words
                        if token not in matched
                    )
            question_share = min(1.0, explained / query_weight)
            score = max(
                phrase_share * (1 - QUESTION_WEIGHT + QUESTION_WEIGHT * question_share),
                question_share * (1 - QUESTION_WEIGHT + QUESTION_WEIGHT * phrase_share),
            ) * KIND_WEIGHT.get(phrase.kind, 1.0)
            # The procedure's other phrases may explain more of the question than this one.
            entry_written = self._entry_written.get(phrase.slug, {})
            entry_share = (
                sum(
                    self.weight(token)
                    * factor
                    * (ACCENT_MISMATCH if _mismatch(token, asked, entry_written) else 1.0)
                    for token, factor in query.items()
                    if token in self._entry_tokens[phrase.slug]
                )
                / query_weight
            )
            score += UNION_BONUS * max(0.0, entry_share - question_share)
            current = best.get(phrase.slug)
            if current is None or score > current.score:
                best[phrase.slug] = Hit(
                    phrase.slug,
                    round(score, 4),
                    phrase.text,
                    self.entries[phrase.slug],
                    round(phrase_share, 4),
                    round(question_share, 4),
                    round(min(1.0, entry_share), 4),
                )
        return sorted(best.values(), key=lambda hit: (-hit.score, hit.slug))[:limit]

    def other_subject_words(self, text: str) -> list[tuple[str, str]]:
        """Each other subject the question is on, with the words that said it (folded, padded)."""
        return [
            (item.means, f" {words} ")
            for item in understood(text, self.other_subjects, ages=False)
            for spoken in item.said
            if (words := _folded_words(spoken))
        ]

    def decide(self, text: str) -> Decision:
        decision = decide(self.search(text, limit=MAX_CHOICES * 3), self)
        if decision.kind == "none":
            subjects = dict.fromkeys(subject for subject, _ in self.other_subject_words(text))
            return Decision("none", (), tuple(subjects))
        return decision


def _mismatch(token: str, asked: dict[str, set[str]], written: dict[str, str]) -> bool:
    """Both sides accented, differently: "tổ chức" is not "di chúc", "mật" is not "mất"."""
    return any(
        part in asked and part in written and not (asked[part] & set(written[part].split("|")))
        for part in token.split("_")
    )


def decide(hits: list[Hit], index: ProcedureIndex | None = None) -> Decision:
    """answer: one clear winner; clarify: close candidates or a weak best with its siblings; none."""
    if not hits or hits[0].score < NONE_SCORE:
        return Decision("none")
    top = hits[0]
    close = [hit for hit in hits if top.score - hit.score <= MARGIN][:MAX_CHOICES]
    # "cấp đổi cấp lại": the whole question fits several names, none of them wholly: ask back.
    if top.phrase_share < WHOLE_PHRASE:
        close += [
            hit
            for hit in hits
            if hit not in close
            and hit.score >= NONE_SCORE
            and hit.question_share >= top.question_share - SAME_FIT
        ][: MAX_CHOICES - len(close)]
    rivals = [hit for hit in close if hit is not top and top.score - hit.score <= ANSWER_GAP]
    if not rivals and top.score >= ANSWER_SCORE:
        return Decision("answer", (top,))
    # The exact name (or alias) of one procedure, and of no other: that one.
    exact = [hit for hit in hits if hit.phrase_share >= EXACT and hit.question_share >= EXACT]
    if len(exact) == 1 and exact[0] is top:
        return Decision("answer", (top,))
    # The whole question explained by one procedure only ("chứng thực chữ ký"): that one.
    whole = [hit for hit in hits if hit.question_share >= EXACT]
    if len(whole) == 1 and whole[0] is top and top.score >= LONE_ANSWER_SCORE:
        return Decision("answer", (top,))
    # A lone candidate, nothing else near: answered from a lower score.
    if (
        (len(hits) == 1 or hits[1].score < top.score - LONE_GAP)
        and top.score >= LONE_ANSWER_SCORE
        and top.question_share >= LONE_QUESTION_SHARE
    ):
        return Decision("answer", (top,))
    chosen = list(close)
    if top.entry.group:
        siblings = [
            hit
            for hit in hits
            if hit not in chosen and hit.entry.group == top.entry.group and hit.score >= SIBLING_SCORE
        ]
        chosen.extend(siblings[: MAX_CHOICES - len(chosen)])
    return Decision("clarify", tuple(chosen[:MAX_CHOICES]))


# --- The warm, per-process index of the services table -------------------------------------------

_lock = threading.Lock()
_cache: dict[str, Any] = {}


def _version(session: Session) -> tuple[str, int, int]:
    count, last_id = session.execute(select(func.count(Service.id), func.max(Service.id))).one()
    bind = session.get_bind()
    url = bind.engine.url if hasattr(bind, "engine") else ""
    return (str(url), int(count or 0), int(last_id or 0))


def _signature(session: Session) -> int:
    """A digest of what the index reads (for updates in place, which keep count and ids)."""
    columns = (
        Service.slug,
        Service.name,
        Service.aliases,
        Service.situations,
        Service.field,
        Service.group,
        Service.procedure_code,
    )
    rows = session.execute(select(*columns).order_by(Service.slug)).all()
    return hash(json.dumps([list(row) for row in rows], ensure_ascii=False, sort_keys=True, default=str))


def catalogue_index(session: Session) -> ProcedureIndex:
    """The index of the services table, rebuilt only when the table changed."""
    version = _version(session)
    now = time.monotonic()
    with _lock:
        index = _cache.get("index")
        if (
            index is not None
            and _cache.get("version") == version
            and now - _cache.get("checked", 0.0) < REFRESH_SECONDS
        ):
            return index  # type: ignore[no-any-return]
        # Other rows, or the refresh is due: rebuilt only if what the index reads differs (the same
        # rows in another database, as in the tests' copies, keep the index).
        signature = _signature(session)
        if index is None or signature != _cache.get("signature"):
            index = ProcedureIndex.build(entry_of(service) for service in session.scalars(select(Service)))
        _cache.update(index=index, version=version, checked=now, signature=signature)
        return index


def reset_index() -> None:
    with _lock:
        _cache.clear()


def find_procedure(session: Session, text: str) -> Decision:
    return catalogue_index(session).decide(text)
