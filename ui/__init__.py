"""adguide ui package."""

__all__: list[str] = []
