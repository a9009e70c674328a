"""One ComponentResource per concern; they talk only through their typed outputs."""
