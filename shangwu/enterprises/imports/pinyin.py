"""Names' pinyin for an import: exactly ``services.name_pinyin`` (tests hold them equal), faster.

pypinyin splits a name into runs of hanzi and other text, cuts each hanzi run into words by
forward maximum matching (``pypinyin.seg.mmseg.seg``) and converts each word on its own. Here the
matching reads pypinyin's own prefix set and phrase dictionary directly instead of through its
generator and method calls, the words' pinyin is cached (company names repeat 有限公司, 科技,
商贸…), and for a large file the names are converted in a forked process while this one
validates.
"""

from __future__ import annotations

import multiprocessing
import os
import re
from collections import deque
from concurrent.futures import ProcessPoolExecutor

from pypinyin import Style
from pypinyin.constants import PHRASES_DICT, RE_HANS
from pypinyin.core import Pinyin
from pypinyin.seg import mmseg

PARALLEL_PINYIN_ROWS = 20_000
PINYIN_CHUNK = 20_000


class _WordPinyin(Pinyin):
    """pypinyin, told that its input is already one segmented word."""

    def get_seg(self, **kwargs):
        return lambda hans: [hans]


_WORD = _WordPinyin()
_WORD_CACHE: dict[str, tuple[str, str]] = {}
# pypinyin's own split into runs of hanzi / other characters (simpleseg._seg), as one regex.
_HANS_CLASS = RE_HANS.pattern.removeprefix("^(?:").removesuffix(")+$")
_RUNS = re.compile(f"{_HANS_CLASS}+|(?:(?!{_HANS_CLASS}).)+", re.DOTALL)
_IS_HANS = re.compile(_HANS_CLASS)


def _cut(run: str) -> list[str]:
    """``list(mmseg.seg.cut(run))`` for pypinyin's segmenter (no_non_phrases=True)."""
    seg = mmseg.seg
    if not getattr(seg, "_no_non_phrases", False) or not hasattr(seg._prefix_set, "_set"):
        return list(seg.cut(run))
    prefixes, phrases = seg._prefix_set._set, PHRASES_DICT
    words, i, n = [], 0, len(run)
    while i < n:
        best, j = 0, i + 1
        while j <= n:
            word = run[i:j]
            if word not in prefixes:
                break
            if word in phrases:
                best = j
            j += 1
        if best:
            words.append(run[i:best])
            i = best
        elif j > n:  # every prefix to the end is known but none is a word: single characters
            words.extend(run[i:])
            break
        else:
            words.append(run[i])
            i += 1
    return words


def _word(word: str) -> tuple[str, str]:
    hit = _WORD_CACHE.get(word)
    if hit is None:
        hit = (
            "".join(_WORD.lazy_pinyin(word, errors="default")),
            "".join(_WORD.lazy_pinyin(word, style=Style.FIRST_LETTER, errors="default")),
        )
        if len(_WORD_CACHE) < 200_000:
            _WORD_CACHE[word] = hit
    return hit


def fast_name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, cut to 600 and 200 characters: ``name_pinyin``."""
    full, initials = [], []
    cache = _WORD_CACHE
    for run in _RUNS.findall(name):
        if not _IS_HANS.match(run):
            full.append(run)
            initials.append(run)
            continue
        for word in _cut(run):
            hit = cache.get(word) or _word(word)
            full.append(hit[0])
            initials.append(hit[1])
    return "".join(full).lower()[:600], "".join(initials).lower()[:200]


def pinyin_many(names) -> dict[str, tuple[str, str]]:
    return {name: fast_name_pinyin(name) for name in dict.fromkeys(names)}


class PinyinJob:
    """The pinyin of many names, computed in a forked process chunk by chunk, so the first rows
    can be written while later names are still being converted. ``get(name)`` waits only for
    the chunks up to the name's own; a name no chunk holds (or a lost worker) is converted here."""

    def __init__(self, futures=()):
        self._futures = deque(futures)
        self._done: dict[str, tuple[str, str]] = {}

    def get(self, name: str) -> tuple[str, str]:
        hit = self._done.get(name)
        while hit is None and self._futures:
            future = self._futures.popleft()
            try:
                self._done.update(future.result(timeout=600))
            except Exception:  # a lost worker only costs time: the names are computed here
                pass
            hit = self._done.get(name)
        return hit or fast_name_pinyin(name)

    def cancel(self) -> None:
        for future in self._futures:
            future.cancel()
        self._futures.clear()


def start_pinyin(names: list[str]) -> PinyinJob:
    """Start converting ``names`` (in file order) beside the caller's other work.

    The names' pinyin is the slowest single step of a large import; on a machine with a second
    core it runs beside the validation instead of after it. Small lists are converted on demand.
    """
    if len(names) < PARALLEL_PINYIN_ROWS or (os.cpu_count() or 1) < 2:
        return PinyinJob()
    try:
        executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
        futures = [
            executor.submit(pinyin_many, names[i : i + PINYIN_CHUNK])
            for i in range(0, len(names), PINYIN_CHUNK)
        ]
        executor.shutdown(wait=False)
    except (OSError, ValueError):
        return PinyinJob()
    return PinyinJob(futures)
