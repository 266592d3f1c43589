"""Municipality reference data and geometry: numbers, names, counties, neighbours, code changes
between structures (2020 → 2024) and simplified boundaries. No dash, no SQL in here."""
