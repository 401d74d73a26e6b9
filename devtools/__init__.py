"""Development-time helpers shared by the tests and the benchmark (never imported by the product)."""
