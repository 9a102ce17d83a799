"""双随机、一公开: the draw itself, a pure function of its recorded inputs.

``draw_compute(subjects, inspectors, seed, sample_size, team_size)`` picks ``sample_size``
subjects and, for each, a team of ``team_size`` inspectors, from candidate lists recorded on the
``Draw`` row. Nothing else goes in (no clock, no database order): the same lists and seed give
the same result on any machine, which is what lets anyone replay a published draw
(``draw_replay``). ``DRAW_ALGORITHM_VERSION`` names this procedure; a change to it is a new
version, and old draws are replayed by the version they name.

Version ``sw-draw-1``:

1. The lists are canonical: subjects sorted by id, each with the ids of the inspectors it
   excludes (its enterprise's current 包保 officials and the team of its last inspection);
   inspectors sorted by id. ``candidates_sha256`` is the SHA-256 of their canonical JSON.
2. The generator is Python's ``random.Random`` seeded with the text ``"<seed>:<sha256>"``
   (seeding by text is SHA-512 based and stable across Python versions).
3. Subjects: ``rng.sample(subjects, sample_size)``, in that order.
4. Every inspector gets one tie-break number ``rng.random()`` (in id order). For each drawn
   subject in turn, its team is the ``team_size`` eligible inspectors (not excluded for it)
   with the fewest teams so far, ties broken by the number: the work is spread evenly.
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import secrets

from shangwu.inspections.choices import DRAW_ALGORITHM_VERSION


class DrawError(ValueError):
    """The lists cannot give the draw asked for (too few inspectors for a subject…)."""


def canonical(subjects: list[dict], inspectors: list[dict]) -> tuple[list[dict], list[dict]]:
    subjects = sorted(
        ({**s, "exclude": sorted(set(s.get("exclude", [])))} for s in subjects),
        key=lambda s: s["id"],
    )
    return subjects, sorted(inspectors, key=lambda i: i["id"])


def candidates_hash(subjects: list[dict], inspectors: list[dict]) -> str:
    subjects, inspectors = canonical(subjects, inspectors)
    text = json.dumps(
        {"algorithm": DRAW_ALGORITHM_VERSION, "subjects": subjects, "inspectors": inspectors},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_seed() -> str:
    return secrets.token_hex(16)


def sample_size_for(total: int, *, percent: int | None = None, count: int | None = None) -> int:
    """How many subjects a 双随机 plan draws from ``total``: a count (at most the total) or a
    percentage rounded up (a 5% sample of 30 is 2, never 0 when there is anyone to draw)."""
    if count:
        return min(count, total)
    if percent:
        return min(total, math.ceil(total * percent / 100))
    return total


def draw_compute(
    *,
    subjects: list[dict],
    inspectors: list[dict],
    seed: str,
    sample_size: int,
    team_size: int,
    algorithm: str = DRAW_ALGORITHM_VERSION,
) -> list[dict]:
    """[{"site": id, "team": [user ids]}] in draw order."""
    if algorithm != DRAW_ALGORITHM_VERSION:
        raise DrawError(f"不支持的抽取算法版本“{algorithm}”。")
    subjects, inspectors = canonical(subjects, inspectors)
    digest = candidates_hash(subjects, inspectors)
    rng = random.Random(f"{seed}:{digest}")
    if sample_size > len(subjects):
        raise DrawError(f"候选检查对象只有{len(subjects)}个，不能抽取{sample_size}个。")
    picked = rng.sample(subjects, sample_size)
    tie = {i["id"]: rng.random() for i in inspectors}
    load = {i["id"]: 0 for i in inspectors}
    result = []
    for subject in picked:
        excluded = set(subject["exclude"])
        eligible = [pk for pk in tie if pk not in excluded]
        if len(eligible) < team_size:
            raise DrawError(
                f"“{subject.get('name', subject['id'])}”可抽取的执法人员只有{len(eligible)}名"
                f"（已回避包保人员和上次检查人员），每组至少需要{team_size}名。"
            )
        team = sorted(eligible, key=lambda pk: (load[pk], tie[pk]))[:team_size]
        for pk in team:
            load[pk] += 1
        result.append({"site": subject["id"], "team": sorted(team)})
    return result


def draw_replay(draw) -> bool:
    """Does the recorded draw (a ``Draw`` row) come out the same from its recorded lists and
    seed, and do the lists still have the recorded hash?"""
    if candidates_hash(draw.subject_candidates, draw.inspector_candidates) != (
        draw.candidates_sha256
    ):
        return False
    again = draw_compute(
        subjects=draw.subject_candidates,
        inspectors=draw.inspector_candidates,
        seed=draw.seed,
        sample_size=draw.sample_size,
        team_size=draw.team_size,
        algorithm=draw.algorithm_version,
    )
    return again == draw.result
