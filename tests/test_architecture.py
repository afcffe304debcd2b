"""The design stays visible in the code: dependencies run one way, and modules and functions stay short.

Read from the source with `ast`, so an import written inside a function counts as much as one at the top.
Dependencies (groups/__init__.py, README "What is where"):

    accounts  <-  groups.core  <-  groups.accreditation  <-  groups.directory  <-  groups.coordination
              <-  groups.contact  <-  groups.reports

accounts imports nothing from groups (account deletion and the data download reach groups through the
signals in accounts.hooks). A package of groups imports only itself and the packages to its left, never
the modules that gather every concern (groups.models, groups.admin, groups.apps, groups.templatetags,
management commands, migrations).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIRST_PARTY = ("accounts", "groups", "supportfinder")
LAYERS = (
    "groups.core", "groups.accreditation", "groups.directory", "groups.coordination",
    "groups.contact", "groups.reports",
)

MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
LONG_REASON = "Long because"

# Exceptions to the rules below, each with its reason beside it. None today: every import of our own code is
# at the top of its module (AppConfig.ready() aside), and every module and function is short enough. The tests
# say when an entry is no longer needed.
KNOWN_FUNCTION_IMPORTS: set[tuple[str, str]] = set()
KNOWN_LONG_MODULES: set[str] = set()
KNOWN_LONG_FUNCTIONS: set[str] = set()


def python_files(*packages, root=ROOT):
    for package in packages:
        yield from sorted((root / package).rglob("*.py"))


def relative(path, root=ROOT):
    return path.relative_to(root).as_posix()


def module_name(path, root=ROOT):
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def within(module, package):
    return module == package or module.startswith(package + ".")


class ImportFinder(ast.NodeVisitor):
    """Every module a file imports, as (line, module, enclosing function or None); relative imports resolved.

    `from a import b` counts as importing a and a.b (b may be a module), in that order;
    importlib.import_module("...") and __import__("...") with a literal name count too.
    """

    def __init__(self, path, root):
        self.module = module_name(path, root)
        self.package = self.module if path.name == "__init__.py" else self.module.rpartition(".")[0]
        self.function = None
        self.found = []

    def visit_FunctionDef(self, node):
        outer = self.function
        self.function = f"{outer}.{node.name}" if outer else node.name
        self.generic_visit(node)
        self.function = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Import(self, node):
        for alias in node.names:
            self.found.append((node.lineno, alias.name, self.function))

    def visit_ImportFrom(self, node):
        target = node.module
        if node.level:
            base = self.package.split(".")[: len(self.package.split(".")) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        self.found.append((node.lineno, target, self.function))
        for alias in node.names:
            if alias.name != "*":
                self.found.append((node.lineno, f"{target}.{alias.name}", self.function))

    def visit_Call(self, node):
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
            self.found.append((node.lineno, str(node.args[0].value), self.function))
        self.generic_visit(node)


def imports_of(path, root=ROOT):
    finder = ImportFinder(path, root)
    finder.visit(ast.parse(path.read_text(), filename=str(path)))
    return finder.found


def layer_of(module):
    """The index in LAYERS of a groups module's package; len(LAYERS) for the modules gathering every concern."""
    for index, layer in enumerate(LAYERS):
        if within(module, layer):
            return index
    return len(LAYERS)


def forbidden(importer, target):
    """Why importer may not import target, or None when it may."""
    if within(importer, "accounts") and within(target, "groups"):
        return "accounts imports nothing from groups (groups answers the signals in accounts.hooks)"
    if not within(importer, "groups") or not target.startswith("groups.") or layer_of(importer) == len(LAYERS):
        return None
    allowed = LAYERS[: layer_of(importer) + 1]
    if layer_of(target) > layer_of(importer):
        return f"{allowed[-1]} may import only {', '.join(allowed)} (and accounts) of our code"
    return None


def dependency_violations(paths, root=ROOT):
    """One message per offending import statement: file, line, what it imports and why it may not."""
    found = {}
    for path in paths:
        importer, name = module_name(path, root), relative(path, root)
        for line, target, _function in imports_of(path, root):
            reason = forbidden(importer, target)
            if reason:
                found.setdefault((name, line), f"{name}:{line} imports {target}: {reason}")
    return [found[key] for key in sorted(found)]


def test_dependencies_run_one_way():
    violations = dependency_violations(python_files("accounts", "groups"))
    assert not violations, "\n".join(violations)


def test_the_dependency_check_reports_each_bad_import_with_its_line(tmp_path):
    """An upward import, plain, relative or inside a function, is reported; one within the package is not."""
    (tmp_path / "groups" / "core").mkdir(parents=True)
    (tmp_path / "accounts").mkdir()
    core = tmp_path / "groups" / "core" / "bad.py"
    core.write_text(
        "from groups.core.models import Group\n"
        "from ..directory import selectors\n"
        "from . import geo\n"
        "def f():\n"
        "    from groups.coordination.services import group_set_status\n"
        "    from groups import models\n"
    )
    accounts = tmp_path / "accounts" / "bad.py"
    accounts.write_text("from .models import User\nimport groups.core.permissions\n")

    violations = dependency_violations([core, accounts], root=tmp_path)
    assert [violation.split(" imports ")[0] for violation in violations] == [
        "accounts/bad.py:2", "groups/core/bad.py:2", "groups/core/bad.py:5", "groups/core/bad.py:6",
    ]
    assert violations[2] == ("groups/core/bad.py:5 imports groups.coordination.services: "
                             "groups.core may import only groups.core (and accounts) of our code")


def test_no_import_of_our_own_modules_hides_inside_a_function():
    """A function-level import hides a dependency (often a cycle) from anyone reading the module's top.

    Allowed: AppConfig.ready(), where Django asks for signal receivers to be imported.
    """
    found = {}  # (file, line) -> the module imported
    for path in python_files(*FIRST_PARTY):
        for line, target, function in imports_of(path):
            if function and target.split(".")[0] in FIRST_PARTY and function.rpartition(".")[2] != "ready":
                found.setdefault((relative(path), line), target)

    def known(path, target):
        return any(path == known_path and within(target, module) for known_path, module in KNOWN_FUNCTION_IMPORTS)

    unexpected = [f"{path}:{line} imports {target} inside a function"
                  for (path, line), target in sorted(found.items()) if not known(path, target)]
    assert not unexpected, "\n".join(unexpected)
    gone = [entry for entry in sorted(KNOWN_FUNCTION_IMPORTS)
            if not any(path == entry[0] and within(target, entry[1]) for (path, _line), target in found.items())]
    assert not gone, f"no longer imported inside a function: drop {gone} from KNOWN_FUNCTION_IMPORTS"


def long_functions(path):
    """(qualified name, lines) of every function over MAX_FUNCTION_LINES whose docstring gives no reason."""
    found = []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                length = child.end_lineno - child.lineno + 1
                if length > MAX_FUNCTION_LINES and LONG_REASON not in (ast.get_docstring(child) or ""):
                    found.append((prefix + child.name, length))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(ast.parse(path.read_text(), filename=str(path)), "")
    return found


def test_modules_and_functions_stay_short():
    """Migrations are generated, so left out."""
    long_modules, functions = {}, {}
    for path in python_files(*FIRST_PARTY):
        if "migrations" in path.parts:
            continue
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            long_modules[relative(path)] = lines
        for name, length in long_functions(path):
            functions[f"{relative(path)}::{name}"] = length

    problems = [f"{name}: {lines} lines (at most {MAX_MODULE_LINES}: split it)"
                for name, lines in sorted(long_modules.items()) if name not in KNOWN_LONG_MODULES]
    problems += [f"{name}: {length} lines (at most {MAX_FUNCTION_LINES}, or say '{LONG_REASON}' in its docstring)"
                 for name, length in sorted(functions.items()) if name not in KNOWN_LONG_FUNCTIONS]
    problems += [f"{name} is short enough now: drop it from KNOWN_LONG_MODULES"
                 for name in sorted(KNOWN_LONG_MODULES - set(long_modules))]
    problems += [f"{name} is short enough now: drop it from KNOWN_LONG_FUNCTIONS"
                 for name in sorted(KNOWN_LONG_FUNCTIONS - set(functions))]
    assert not problems, "\n".join(problems)


def test_a_long_function_passes_only_with_a_reason(tmp_path):
    body = [f"        x{n} = {n}\n" for n in range(MAX_FUNCTION_LINES)]
    module = tmp_path / "module.py"
    module.write_text("".join([
        "class A:\n",
        "    def too_long(self):\n", *body,
        "    def just_fits(self):\n", *body[1:],
        "    def reasoned(self):\n", f"        '''{LONG_REASON} it reads as one list.'''\n", *body,
    ]))
    assert long_functions(module) == [("A.too_long", MAX_FUNCTION_LINES + 1)]
