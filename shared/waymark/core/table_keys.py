"""DynamoDB keys that both the schema (waymark.models) and the click path's PynamoDB-free lookups
(waymark.click.lookups) build: one definition here, so neither has to import the other."""


def program_key(program_id: str) -> tuple[str, str]:
    """A program's item in ConfigTable."""
    return f"PROGRAM#{program_id}", "PROGRAM"
