"""adguide assistant package."""

__all__: list[str] = []
