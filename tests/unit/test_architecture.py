"""No service imports another service's code: they share only events and the backbone."""
import ast
from pathlib import Path

SERVICES_DIR = Path(__file__).resolve().parents[2] / "services"


def foreign_imports(services_dir):
    """(file, imported module) for every import of one service's code by another."""
    names = {path.name for path in services_dir.iterdir() if (path / "service.py").exists()}
    found = []
    for service in sorted(names):
        for source in (services_dir / service).rglob("*.py"):
            for node in ast.walk(ast.parse(source.read_text(), str(source))):
                modules = []
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                for module in modules:
                    parts = module.split(".")
                    if parts[0] == "services" and len(parts) > 1 and parts[1] != service:
                        found.append((str(source.relative_to(services_dir)), module))
    return found


def test_no_service_imports_another_services_code():
    assert foreign_imports(SERVICES_DIR) == []


def test_the_check_catches_a_service_importing_another(tmp_path):
    for name in ("registry", "reports"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "service.py").write_text("")
    (tmp_path / "reports" / "projections.py").write_text(
        "from services.registry.storage import residents\nimport services.reports.domain\n")
    assert foreign_imports(tmp_path) == [("reports/projections.py", "services.registry.storage")]
