"""Insurance claims after an outage: the statement (policy arithmetic) and the claim pack."""
