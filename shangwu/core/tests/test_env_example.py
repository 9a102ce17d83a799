""".env.example names every environment variable the code reads, so it cannot drift again.

The reads are found by parsing the source (settings.py and every other module under shangwu/,
tests excepted): ``os.environ.get("X")``, ``os.environ["X"]``, ``os.getenv("X")`` and the
settings helpers ``env_bool/env_int/env_list("X", …)``. A read whose name is not a literal
fails the test too, since nobody could document it."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "shangwu"
ENV_EXAMPLE = ROOT / ".env.example"


def _is_os_environ(node):
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _name_read(node):
    """The expression naming the variable if ``node`` reads one from the environment, else None."""
    if isinstance(node, ast.Call) and node.args:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == "get" and _is_os_environ(func.value):
            return node.args[0]
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "getenv"
            and isinstance(func.value, ast.Name)
            and func.value.id == "os"
        ):
            return node.args[0]
        if isinstance(func, ast.Name) and func.id.startswith("env_"):
            return node.args[0]
    if (
        isinstance(node, ast.Subscript)
        and _is_os_environ(node.value)
        and isinstance(node.ctx, ast.Load)
    ):
        return node.slice
    return None


def variables_read_by_the_code():
    found, dynamic = {}, []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        # The helpers themselves (settings.env_bool, …) read the name their caller passes.
        helper_lines = {
            inner.lineno
            for helper in ast.walk(tree)
            if isinstance(helper, ast.FunctionDef) and helper.name.startswith("env_")
            for inner in ast.walk(helper)
            if hasattr(inner, "lineno")
        }
        for node in ast.walk(tree):
            name = _name_read(node)
            if name is None:
                continue
            if isinstance(name, ast.Constant) and isinstance(name.value, str):
                found.setdefault(name.value, f"{relative}:{node.lineno}")
            elif node.lineno not in helper_lines:
                dynamic.append(f"{relative}:{node.lineno}")
    return found, dynamic


def variables_listed_in_env_example():
    """Names of ``NAME=value`` lines; a commented-out ``#NAME=value`` (test-only or optional
    variables that must not be set by copying the file) counts as listed too."""
    listed = {}
    for number, line in enumerate(ENV_EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        match = re.match(r"^#?([A-Z][A-Z0-9_]*)=", line)
        if match:
            listed.setdefault(match.group(1), number)
    return listed


def test_the_reader_finds_the_variables_settings_is_known_to_read():
    # Guard against a parser that silently finds nothing: these are read in several styles.
    found, _ = variables_read_by_the_code()
    assert {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DB_CONN_MAX_AGE", "SHANGWU_VAR_DIR"} <= set(
        found
    )


def test_every_variable_the_code_reads_is_listed_in_env_example():
    found, dynamic = variables_read_by_the_code()
    listed = variables_listed_in_env_example()
    missing = {name: where for name, where in found.items() if name not in listed}
    assert not missing, f".env.example 缺少这些环境变量（变量 → 读取位置）：{missing}"
    assert not dynamic, f"这些位置读取环境变量时名称不是字面量，无法写入 .env.example：{dynamic}"


def test_env_example_lists_no_variable_that_nothing_reads():
    found, _ = variables_read_by_the_code()
    stale = sorted(set(variables_listed_in_env_example()) - set(found))
    assert not stale, f".env.example 列出了代码不再读取的环境变量：{stale}"


def test_every_listed_variable_has_a_comment_above_it():
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):
        if not re.match(r"^#?[A-Z][A-Z0-9_]*=", line):
            continue
        # Walk up over the entries of the same group to the comment that explains them.
        above = number - 1
        while above >= 0 and re.match(r"^#?[A-Z][A-Z0-9_]*=", lines[above]):
            above -= 1
        assert above >= 0 and lines[above].startswith("#"), (
            f".env.example 第 {number + 1} 行 {line!r} 上方没有说明"
        )
