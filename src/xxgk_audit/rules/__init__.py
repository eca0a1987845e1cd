"""All rules, registered on import: ``REGISTRY`` maps each rule id of rules.md to its function."""

from . import arithmetic, structure  # noqa: F401  (registration)
from . import text  # noqa: F401  (registration: TEXT-VS-TABLE, S1-COVERAGE, S5-THIN, S6-FEE-STATEMENT, T3-FEE-VS-S6, DEADLINE)
from . import crossyear  # noqa: F401  (registration: T3-CARRY-CHAIN, T2-VALID-PROGRESSION, YOY-JUMP, TEXT-REUSE, HIERARCHY-SUM)
from .registry import REGISTRY, AuditContext, EquationCheck, Rule

__all__ = ["REGISTRY", "AuditContext", "EquationCheck", "Rule"]
