"""Insurance claims after an outage: the policy arithmetic (policy.py, pure functions), the extra-expenses ledger
(ledger.py), the base period of a business-interruption claim (base_period.py), the statement that takes an
analysis through a policy (statement.py) and whether cover would have paid over simulated years (cover.py).
Callers go through impact.service.claim and impact.claim.cover.simulate_cover; docs/claims.md states the method.
"""

from .ledger import Ledger, load_ledger, read_ledger
from .policy import ClaimPolicy, to_cents

__all__ = ["ClaimPolicy", "Ledger", "load_ledger", "read_ledger", "to_cents"]
