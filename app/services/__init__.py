"""Use cases. Services own transactions: they are the only code that commits."""
