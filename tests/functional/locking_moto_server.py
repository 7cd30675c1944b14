"""moto_server with DynamoDB's write atomicity.

DynamoDB evaluates a condition and writes the item as one atomic step. moto's
threaded server checks, then writes, with no lock between, so under concurrent
requests moto itself could let a stale write through. This launcher holds a lock
around each item write so the concurrency tests exercise our client's guard, not
moto's race. Run as: python -m tests.functional.locking_moto_server -H 127.0.0.1 -p PORT
"""

from __future__ import annotations

import functools
import threading
from typing import Any

from moto import server
from moto.dynamodb.models import DynamoDBBackend

_WRITE_LOCK = threading.Lock()


def _atomic(method: Any) -> Any:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _WRITE_LOCK:
            return method(*args, **kwargs)

    return locked


for _name in ("put_item", "update_item", "delete_item"):
    setattr(DynamoDBBackend, _name, _atomic(getattr(DynamoDBBackend, _name)))

if __name__ == "__main__":
    server.main()
