"""Application core: app factory, settings, cache, CLI, pure metrics and figure builders."""
