"""The commands of the ``surveillance`` command line, one module per area: each adds its own parsers
(``add_parsers(sub)``) and holds the functions they run. ``surveillance.cli`` only puts them together."""
