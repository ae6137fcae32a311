"""The criteria tables, one module per scale, each entry citing its source."""
