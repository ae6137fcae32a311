"""The small core every scale shares: validation, results, the bounds engine, the criterion type."""
