"""All rules, registered on import: ``REGISTRY`` maps each rule id of rules.md to its function."""

from . import arithmetic, structure  # noqa: F401  (registration)
from .registry import REGISTRY, AuditContext, EquationCheck, Rule

__all__ = ["REGISTRY", "AuditContext", "EquationCheck", "Rule"]
