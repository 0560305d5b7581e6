"""One module per `python -m impact` subcommand: register(subparsers) adds it, run(args) carries it out."""
