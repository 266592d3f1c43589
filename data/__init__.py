"""The data layer: schema, migrations, loading and the scoped read API.

Only this package talks SQL."""
